package io.babelcall.common.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.room.RedisKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TapContractTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void mappingAndEndpointAreTheDocumentedJson() {
        TapMapping m = JSON.readValue("{\"roomId\":\"r1\",\"participantId\":\"p1\",\"payloadType\":111,\"extra\":1}",
                TapMapping.class);
        assertThat(m).isEqualTo(new TapMapping("r1", "p1", 111));
        assertThat(m.problem()).isNull();
        assertThat(JSON.writeValueAsString(new TapEndpoint("10.0.1.7", 5004, 3)))
                .isEqualTo("{\"host\":\"10.0.1.7\",\"port\":5004,\"taps\":3}");
    }

    @Test
    void invalidMappingsSayWhy() {
        assertThat(new TapMapping("r1", "p1", null).problem()).contains("payloadType");
        assertThat(new TapMapping("r1", "p1", 128).problem()).contains("payloadType");
        assertThat(new TapMapping("", "p1", 111).problem()).contains("roomId");
        assertThat(new TapMapping("r1", "p 1", 111).problem()).contains("participantId");
        assertThat(new TapMapping("r1", "p".repeat(129), 111).problem()).contains("participantId");
    }

    @Test
    void tapKeysUseTheUnsignedSsrc() {
        assertThat(RedisKeys.tap(0xDEADBEEFL)).isEqualTo("orchestrator:tap:3735928559");
        assertThat(RedisKeys.tap(0)).isEqualTo("orchestrator:tap:0");
        assertThatThrownBy(() -> RedisKeys.tap(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisKeys.tap(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RedisKeys.tapReplica("a")).isEqualTo("orchestrator:tap-replica:a");
    }
}

package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.config.TurnProperties;
import io.babelcall.api.ice.IceServerFactory;
import io.babelcall.api.ice.IceServers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class IceServerFactoryTests {

    private final Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void withoutATurnSecretOnlyStunIsReturned() {
        IceServers servers = new IceServerFactory(new TurnProperties(List.of("stun:stun.example:3478"),
                List.of("turn:turn.example:3478"), null, Duration.ofHours(1)), clock).forParticipant("p1");
        assertThat(servers.iceServers()).hasSize(1);
        assertThat(servers.iceServers().get(0).urls()).containsExactly("stun:stun.example:3478");
        assertThat(servers.iceServers().get(0).username()).isNull();
    }

    @Test
    void turnUsernameIsExpiryColonParticipant() {
        IceServers servers = new IceServerFactory(new TurnProperties(List.of(), List.of("turn:turn.example:3478"),
                "s3cret", Duration.ofMinutes(10)), clock).forParticipant("p1");
        assertThat(servers.ttlSeconds()).isEqualTo(600);
        assertThat(servers.iceServers()).singleElement().satisfies(turn -> {
            assertThat(turn.username()).isEqualTo("1893456600:p1");
            // Known answer: printf '1893456600:p1' | openssl dgst -sha1 -hmac s3cret -binary | base64
            assertThat(turn.credential()).isEqualTo(IceServerFactory.credential("s3cret", "1893456600:p1"))
                    .isEqualTo("7npDla60JScXO/RnIvP3N9FFLow=");
        });
    }
}

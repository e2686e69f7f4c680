package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/** With calls on the SFU ({@code max-participants} 50, as run.sh sets it with Janus) rooms may hold up to 50. */
@TestPropertySource(properties = {"babelcall.api.max-participants=50", "babelcall.api.default-max-participants=25"})
class SfuRoomCapacityTests extends ApiTestSupport {

    @Test
    void roomsOfUpToFiftyAreCreatedAndTheDefaultIsTwentyFive() {
        Map<String, Object> fifty = createRoom(50);
        assertThat(fifty).containsEntry("maxParticipants", 50);
        Map<String, Object> unsized = createRoom((Integer) null);
        assertThat(unsized).containsEntry("maxParticipants", 25);
    }

    @Test
    void fiftyOneIsRefusedNamingTheConfiguredCap() {
        web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", freshClient())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("maxParticipants", 51))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("maxParticipants")
                .jsonPath("$.errors[0].message").isEqualTo("must be between 2 and 50");
    }
}

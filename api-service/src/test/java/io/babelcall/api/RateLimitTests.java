package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.room.RoomService;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/** Shared context: 6 rooms per minute, burst 3, one trusted proxy hop. */
class RateLimitTests extends ApiTestSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void roomCreationIsLimitedPerClientAddress() {
        String client = freshClient();
        double before = limitedCount();
        for (int i = 0; i < 3; i++) {
            create(client).expectStatus().isCreated();
        }
        create(client)
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                // 6 per minute: the next token is about 10 s away.
                .expectHeader().value("Retry-After", v -> assertThat(Integer.parseInt(v)).isBetween(1, 10))
                .expectBody()
                .jsonPath("$.status").isEqualTo(429)
                .jsonPath("$.code").isEqualTo("rate_limited");
        assertThat(limitedCount()).isEqualTo(before + 1);

        // Another address has its own bucket; a spoofed left-most X-Forwarded-For entry does not help.
        create(freshClient()).expectStatus().isCreated();
        create("203.0.113.7, " + client).expectStatus().isEqualTo(429);
    }

    private double limitedCount() {
        return meters.get("babelcall.rate.limited").tag("endpoint", RoomService.CREATE_OPERATION).counter().count();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec create(String forwardedFor) {
        return web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange();
    }
}

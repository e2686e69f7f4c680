package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.join.JoinService;
import io.babelcall.api.room.RoomService;
import io.babelcall.common.room.RedisKeys;
import java.util.Map;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;

/**
 * Shared context: one trusted proxy hop; rooms 6 per minute, burst 3, per client address; joins 6 per minute, burst 3,
 * per client address, and 1 per minute, burst 30, per room.
 */
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

    /** 377 rooms were once created by rotating 127.x source addresses: all of loopback is one client. */
    @Test
    void rotatingLoopbackAddressesDoesNotEscapeTheLimit() {
        int created = 0;
        for (int i = 2; i < 12; i++) {
            if (create("127.0.0." + i).returnResult(Void.class).getStatus().value() == 201) {
                created++;
            }
        }
        // The burst of 3, or 4 if the next token (10 s) came while the loop ran; one bucket per address would be 10.
        assertThat(created).isBetween(3, 4);
    }

    /** Ghost joins from one address cannot fill a room: the fourth quick join from it waits. */
    @Test
    void joinsAreLimitedPerClientAddress() {
        String roomId = (String) createRoom(16).get("roomId");
        String otherRoom = newRoom();
        String client = freshClient();
        double before = limitedCount(JoinService.JOIN_OPERATION);
        for (int i = 0; i < 3; i++) {
            joinFrom(roomId, client).expectStatus().isCreated();
        }
        // The bucket is the address's, whatever the room.
        joinFrom(otherRoom, client)
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("Retry-After", v -> assertThat(Integer.parseInt(v)).isBetween(1, 10))
                .expectBody()
                .jsonPath("$.code").isEqualTo("rate_limited")
                .jsonPath("$.scope").isEqualTo("address");
        assertThat(limitedCount(JoinService.JOIN_OPERATION)).isEqualTo(before + 1);
        assertThat(redis.opsForHash().size(RedisKeys.participants(otherRoom)).block()).isZero();
        joinFrom(roomId, freshClient()).expectStatus().isCreated();
    }

    /** Rotating addresses does not help either: a room takes at most its burst of joins, then one a minute. */
    @Test
    void joinsAreLimitedPerRoom() {
        String roomId = (String) createRoom(16).get("roomId");
        double before = limitedCount(JoinService.JOIN_ROOM_OPERATION);
        for (int i = 0; i < 30; i++) {
            int status = joinFrom(roomId, freshClient()).returnResult(Void.class).getStatus().value();
            assertThat(status).as("join %d", i).isIn(201, 409);
        }
        joinFrom(roomId, freshClient())
                .expectStatus().isEqualTo(429)
                .expectHeader().value("Retry-After", v -> assertThat(Integer.parseInt(v)).isBetween(1, 60))
                .expectBody()
                .jsonPath("$.code").isEqualTo("rate_limited")
                .jsonPath("$.scope").isEqualTo("room");
        assertThat(limitedCount(JoinService.JOIN_ROOM_OPERATION)).isEqualTo(before + 1);
        // Other rooms are not affected.
        joinFrom(newRoom(), freshClient()).expectStatus().isCreated();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec joinFrom(String roomId, String client) {
        return web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .header("X-Forwarded-For", client)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Ghost", "spokenLanguage", "en"))
                .exchange();
    }

    private double limitedCount() {
        return limitedCount(RoomService.CREATE_OPERATION);
    }

    private double limitedCount(String endpoint) {
        return meters.get("babelcall.rate.limited").tag("endpoint", endpoint).counter().count();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec create(String forwardedFor) {
        return web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange();
    }
}

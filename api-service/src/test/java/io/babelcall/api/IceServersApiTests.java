package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class IceServersApiTests extends ApiTestSupport {

    @Test
    @SuppressWarnings("unchecked")
    void issuesStunAndTurnCredentialsCoturnCanVerify() throws Exception {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        String participantId = (String) ana.get("participantId");
        long now = Instant.now().getEpochSecond();

        Map<String, Object> body = web.get().uri("/api/v1/ice-servers")
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody(JSON).returnResult().getResponseBody();

        assertThat(body).containsEntry("ttlSeconds", 7200);
        List<Map<String, Object>> servers = (List<Map<String, Object>>) body.get("iceServers");
        assertThat(servers).hasSize(2);
        assertThat(servers.get(0)).containsOnlyKeys("urls")
                .containsEntry("urls", List.of("stun:stun.test.example:3478"));
        Map<String, Object> turn = servers.get(1);
        assertThat(turn.get("urls"))
                .isEqualTo(List.of("turn:turn.test.example:3478?transport=udp", "turns:turn.test.example:5349"));

        String username = (String) turn.get("username");
        String[] parts = username.split(":", -1);
        assertThat(parts[1]).isEqualTo(participantId);
        assertThat(Long.parseLong(parts[0])).isBetween(now + 7200 - 5, now + 7200 + 5);
        // What coturn does with use-auth-secret: recompute the HMAC of the username with the shared secret.
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        assertThat(turn.get("credential")).isEqualTo(expected);

        // The join response carries the same object shape.
        Map<String, Object> joinIce = (Map<String, Object>) ana.get("iceServers");
        assertThat(((List<Map<String, Object>>) joinIce.get("iceServers")).get(1).get("username"))
                .asString().endsWith(":" + participantId);
    }

    @Test
    void requiresAValidToken() {
        web.get().uri("/api/v1/ice-servers").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"babelcall\"");
        web.get().uri("/api/v1/ice-servers").headers(h -> h.setBearerAuth("eyJhbGciOiJIUzI1NiJ9.e30.c2ln"))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.code").isEqualTo("token_invalid");
    }

    /** A token outlives its participant's membership: after leaving (or the room's end) it mints no TURN credentials. */
    @Test
    void aParticipantWhoLeftGetsNoMoreCredentials() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        Map<String, Object> bo = join(roomId, "Bo");
        iceServers((String) ana.get("token")).expectStatus().isOk();

        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, ana.get("participantId"))
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange()
                .expectStatus().isNoContent();

        iceServers((String) ana.get("token"))
                .expectStatus().isForbidden()
                .expectHeader().contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("not_in_room")
                .jsonPath("$.iceServers").doesNotExist();
        iceServers((String) bo.get("token")).expectStatus().isOk();

        // The room itself gone: the same.
        redis.delete(RedisKeys.room(roomId), RedisKeys.participants(roomId)).block();
        iceServers((String) bo.get("token"))
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("not_in_room");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec iceServers(String token) {
        return web.get().uri("/api/v1/ice-servers").headers(h -> h.setBearerAuth(token)).exchange();
    }
}

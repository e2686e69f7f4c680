package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class LeaveAndTokenTests extends ApiTestSupport {

    @Test
    void participantLeavesWithItsOwnToken() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        Map<String, Object> bo = join(roomId, "Bo");
        String anaId = (String) ana.get("participantId");

        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, anaId)
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange()
                .expectStatus().isNoContent()
                .expectBody().isEmpty();

        Map<String, Object> room = web.get().uri("/api/v1/rooms/{id}", roomId).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> participants = (List<Map<String, Object>>) room.get("participants");
        assertThat(participants).extracting(p -> p.get("participantId")).containsExactly(bo.get("participantId"));
        assertThat(redis.getExpire(RedisKeys.participants(roomId)).block().toSeconds()).isGreaterThan(3 * 3600L - 10);

        // Leaving twice: the participant is gone.
        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, anaId)
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("participant_not_found");
    }

    @Test
    void leavingAnExpiredRoomIs404() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        redis.delete(RedisKeys.room(roomId), RedisKeys.participants(roomId)).block();
        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, ana.get("participantId"))
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("room_not_found");
    }

    @Test
    void missingTokenIs401WithABearerChallenge() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, ana.get("participantId"))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"babelcall\"")
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("token_missing");
        assertStillThere(roomId, ana);
    }

    @Test
    void forgedTokenIs401() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        String participantId = (String) ana.get("participantId");
        // Same claims, signed with another key.
        String forged = new ParticipantTokens("another-secret-another-secret-another-secret", Clock.systemUTC())
                .sign(claims(roomId, participantId, Instant.now().plus(Duration.ofHours(1))));
        // A valid token with its payload swapped keeps a signature that no longer matches.
        String[] parts = ((String) ana.get("token")).split("\\.", -1);
        String[] otherParts = forged.split("\\.", -1);
        String tampered = parts[0] + "." + otherParts[1] + "." + parts[2];

        for (String token : List.of(forged, tampered, "not-a-jwt", "a.b.c")) {
            web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, participantId)
                    .headers(h -> h.setBearerAuth(token))
                    .exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().value("WWW-Authenticate", v -> assertThat(v).startsWith("Bearer ")
                            .contains("error=\"invalid_token\""))
                    .expectBody().jsonPath("$.code").isEqualTo("token_invalid");
        }
        assertStillThere(roomId, ana);
    }

    @Test
    void expiredTokenIs401() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        String participantId = (String) ana.get("participantId");
        Instant past = Instant.now().minus(Duration.ofHours(5));
        String expired = new ParticipantTokens(TOKEN_SECRET, Clock.fixed(past, ZoneOffset.UTC))
                .sign(claims(roomId, participantId, past.plus(Duration.ofHours(4))));
        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, participantId)
                .headers(h -> h.setBearerAuth(expired))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value("WWW-Authenticate", v -> assertThat(v).contains("error=\"invalid_token\""))
                .expectBody().jsonPath("$.reason").isEqualTo("expired")
                .jsonPath("$.detail").isEqualTo("The participant token has expired; join the room again.");
        assertStillThere(roomId, ana);
    }

    @Test
    void tokenOfAnotherRoomOrParticipantIs403() {
        String roomA = newRoom();
        String roomB = newRoom();
        Map<String, Object> ana = join(roomA, "Ana");
        Map<String, Object> bo = join(roomA, "Bo");
        Map<String, Object> cy = join(roomB, "Cy");

        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomA, ana.get("participantId"))
                .headers(h -> h.setBearerAuth((String) cy.get("token")))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("token_scope")
                .jsonPath("$.detail").isEqualTo("The participant token belongs to another room.");
        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomA, ana.get("participantId"))
                .headers(h -> h.setBearerAuth((String) bo.get("token")))
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.detail").isEqualTo("The participant token belongs to another participant.");
        assertStillThere(roomA, ana);
    }

    private void assertStillThere(String roomId, Map<String, Object> participant) {
        assertThat(redis.opsForHash().hasKey(RedisKeys.participants(roomId), participant.get("participantId")).block())
                .isTrue();
    }

    private static ParticipantClaims claims(String roomId, String participantId, Instant expiresAt) {
        return new ParticipantClaims(roomId, participantId, "Ana", LanguageCode.of("en"), LanguageCode.of("es"), false,
                expiresAt.minus(Duration.ofHours(4)), expiresAt, "t1");
    }
}

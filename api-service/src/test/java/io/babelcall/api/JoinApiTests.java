package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class JoinApiTests extends ApiTestSupport {

    @Test
    void joinIssuesAScopedTokenAndStoresTheParticipant() throws Exception {
        String roomId = newRoom();
        Instant before = Instant.now().minusSeconds(1);

        Map<String, Object> joined = join(roomId, "  Ana María  ");

        String participantId = (String) joined.get("participantId");
        assertThat(participantId).matches("[A-Za-z0-9_-]{16}");
        assertThat(joined).containsEntry("roomId", roomId)
                .containsEntry("signalingUrl", "wss://signal.test.example/ws")
                .containsEntry("audioUrl", "wss://audio.test.example/ws/audio")
                .containsEntry("orchestratorUrl", "https://orch.test.example");
        Instant expiresAt = Instant.parse((String) joined.get("expiresAt"));
        assertThat(Duration.between(before, expiresAt)).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(31));

        ParticipantClaims claims = tokens.verify((String) joined.get("token"));
        assertThat(claims.roomId()).isEqualTo(roomId);
        assertThat(claims.participantId()).isEqualTo(participantId);
        assertThat(claims.displayName()).isEqualTo("Ana María");
        assertThat(claims.spokenLanguage()).isEqualTo(LanguageCode.of("en"));
        assertThat(claims.captionLanguage()).isEqualTo(LanguageCode.of("es"));
        assertThat(claims.dubbing()).isTrue();
        assertThat(claims.expiresAt()).isEqualTo(expiresAt);

        @SuppressWarnings("unchecked")
        Map<String, Object> ice = (Map<String, Object>) joined.get("iceServers");
        assertThat(ice).containsEntry("ttlSeconds", 7200).containsKey("iceServers");

        String stored = (String) redis.opsForHash().get(RedisKeys.participants(roomId), participantId).block();
        assertThat(stored).contains("\"displayName\":\"Ana María\"").contains("\"spokenLanguage\":\"en\"")
                .contains("\"captionLanguage\":\"es\"").contains("\"dubbing\":true");
        // TTL command on the participants hash: the room's TTL.
        assertThat(redis.getExpire(RedisKeys.participants(roomId)).block().toSeconds())
                .isBetween(3 * 3600L - 10, 3 * 3600L);
    }

    @Test
    void captionLanguageDefaultsToTheSpokenOneAndCodesAreCanonicalised() throws Exception {
        String roomId = newRoom();
        Map<String, Object> joined = web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Zé", "spokenLanguage", "PT-br"))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        ParticipantClaims claims = tokens.verify((String) joined.get("token"));
        assertThat(claims.spokenLanguage().value()).isEqualTo("pt-BR");
        assertThat(claims.captionLanguage().value()).isEqualTo("pt-BR");
        assertThat(claims.dubbing()).isFalse();
    }

    @Test
    void wellFormedBcp47TagsWithVariantsExtensionsAndPrivateUseAreAcceptedInCanonicalCase() throws Exception {
        String roomId = newRoom();
        Map<String, Object> joined = join(roomId, Map.of("displayName", "Urs", "spokenLanguage", "de-ch-1996",
                "captionLanguage", "EN-us-U-CA-GREGORY-x-Twain"));
        ParticipantClaims claims = tokens.verify((String) joined.get("token"));
        assertThat(claims.spokenLanguage().value()).isEqualTo("de-CH-1996");
        assertThat(claims.captionLanguage().value()).isEqualTo("en-US-u-ca-gregory-x-twain");
        assertThat(claims.spokenLanguage().primary()).isEqualTo("de");
    }

    @Test
    void unknownRoomIs404() {
        web.post().uri("/api/v1/rooms/{id}/participants", "AAAAAAAAAAAAAAAAAAAAAA")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Ana", "spokenLanguage", "en"))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("room_not_found");
    }

    @Test
    void fullRoomIs409() {
        String roomId = (String) createRoom(2).get("roomId");
        join(roomId, "One");
        join(roomId, "Two");
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Three", "spokenLanguage", "en"))
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("room_full");
        assertThat(redis.opsForHash().size(RedisKeys.participants(roomId)).block()).isEqualTo(2);
    }

    @Test
    void aFullRoomFreesTheSeatsOfParticipantsWhoNeverConnected() {
        String roomId = (String) createRoom(3).get("roomId");
        String connected = (String) join(roomId, "Connected").get("participantId");
        String ghost = (String) join(roomId, "Closed tab").get("participantId");
        join(roomId, "Just joined");
        // Both joined ten minutes ago (the api's own entries, aged); only the connected one is in signaling's presence.
        joinedAgo(roomId, connected, Duration.ofMinutes(10));
        joinedAgo(roomId, ghost, Duration.ofMinutes(10));
        connectToSignaling(roomId, connected);

        String newcomer = (String) join(roomId, "Newcomer").get("participantId");

        assertThat(redis.opsForHash().keys(RedisKeys.participants(roomId)).collectList().block())
                .hasSize(3).contains(connected, newcomer).doesNotContain(ghost);
        // Full again, and nobody left to free (the one who just joined is younger than unconnected-seat-ttl).
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("displayName", "Fourth", "spokenLanguage", "en"))
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("room_full");
    }

    /** Moves a stored participant's {@code joinedAt} into the past, in the format the api wrote it. */
    private void joinedAgo(String roomId, String participantId, Duration ago) {
        String stored = (String) redis.opsForHash().get(RedisKeys.participants(roomId), participantId).block();
        String aged = stored.replaceFirst("\"joinedAt\":\"[^\"]+\"",
                "\"joinedAt\":\"" + Instant.now().minus(ago) + "\"");
        assertThat(aged).as("joinedAt rewritten in %s", stored).isNotEqualTo(stored);
        redis.opsForHash().put(RedisKeys.participants(roomId), participantId, aged).block();
    }

    @Test
    void concurrentJoinsNeverExceedTheCapacity() throws Exception {
        String roomId = (String) createRoom(3).get("roomId");
        int attempts = 24;
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String name = "P" + i;
                calls.add(() -> web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("displayName", name, "spokenLanguage", "en"))
                        .exchange()
                        .returnResult(Void.class).getStatus().value());
            }
            Map<Integer, Integer> byStatus = new HashMap<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                byStatus.merge(f.get(), 1, Integer::sum);
            }
            assertThat(byStatus).containsOnly(Map.entry(201, 3), Map.entry(409, attempts - 3));
        } finally {
            pool.shutdownNow();
        }
        assertThat(redis.opsForHash().size(RedisKeys.participants(roomId)).block()).isEqualTo(3);
    }

    @Test
    void invalidLanguageCodesAre400WithTheField() {
        String roomId = newRoom();
        expectFieldError(roomId, Map.of("displayName", "Ana", "spokenLanguage", "english"), "spokenLanguage",
                "must be a language code such as 'en', 'es' or 'pt-BR' (ISO 639 / BCP 47)");
        expectFieldError(roomId, Map.of("displayName", "Ana", "spokenLanguage", "en", "captionLanguage", "e$"),
                "captionLanguage", "must be a language code such as 'en', 'es' or 'pt-BR' (ISO 639 / BCP 47)");
        expectFieldError(roomId, Map.of("displayName", "Ana"), "spokenLanguage", "is required");
        // Private-use-only and irregular grandfathered tags, and no raw value in the answer.
        for (String tag : List.of("x-klingon", "i-klingon", "en-GB-oed<b>")) {
            postJson("/api/v1/rooms/" + roomId + "/participants", Map.of("displayName", "Ana", "spokenLanguage", tag))
                    .expectStatus().isBadRequest()
                    .expectBody(String.class).value(body -> assertThat(body).doesNotContain(tag)
                            .contains("\"field\":\"spokenLanguage\""));
        }
    }

    @Test
    void displayNamesMustBeOneToSixtyFourCleanCharacters() {
        String roomId = newRoom();
        expectFieldError(roomId, Map.of("displayName", "", "spokenLanguage", "en"), "displayName",
                "must not be empty or only whitespace");
        expectFieldError(roomId, Map.of("displayName", " \t  ", "spokenLanguage", "en"), "displayName",
                "must not contain control characters");
        expectFieldError(roomId, Map.of("displayName", "     ", "spokenLanguage", "en"), "displayName",
                "must not be empty or only whitespace");
        expectFieldError(roomId, Map.of("displayName", "x".repeat(65), "spokenLanguage", "en"), "displayName",
                "must be 1 to 64 characters after trimming (got 65)");
        expectFieldError(roomId, Map.of("displayName", "Ana\u0000", "spokenLanguage", "en"), "displayName",
                "must not contain control characters");
        expectFieldError(roomId, Map.of("displayName", "Ana\nBob", "spokenLanguage", "en"), "displayName",
                "must not contain control characters");
        expectFieldError(roomId, Map.of("displayName", "\u202Egnp.exe", "spokenLanguage", "en"), "displayName",
                "must not contain control characters");
        expectFieldError(roomId, Map.of("spokenLanguage", "en"), "displayName", "is required");
        assertThat(redis.opsForHash().size(RedisKeys.participants(roomId)).block()).isZero();

        // 64 characters (emoji count as one each) after trimming is fine.
        String sixtyFour = "😀".repeat(4) + "y".repeat(60);
        Map<String, Object> joined = join(roomId, "  " + sixtyFour + "  ");
        assertThat(((Map<?, ?>) joined.get("participant")).get("displayName")).isEqualTo(sixtyFour);
    }

    /**
     * A name must show something: blank, invisible and bidi-mark-only names are refused, combining marks cannot be
     * stacked into a wall of glyphs, and what is stored is NFC.
     */
    @Test
    void displayNamesNeedAVisibleLetterOrDigitAndAreStoredInNfc() throws Exception {
        String roomId = newRoom();
        String invisible = "must contain at least one visible letter or digit";
        for (String name : List.of("\u200B", "\u200B\u200B\u200B", "\u3164", "\u3164\u3164", "\u2800\u2800",
                "\uFEFF", "\u115F\u1160", "\uFFA0", "\u200E\u200F", "\u061C", "\u2060\u2063", "\u00AD",
                "\u200D\uFE0F", "\u0301\u0301", "\u00A0\u200B\u3000", "- . _ !")) {
            expectFieldError(roomId, Map.of("displayName", name, "spokenLanguage", "en"), "displayName", invisible);
        }
        expectFieldError(roomId, Map.of("displayName", "\u00A0 \u3000", "spokenLanguage", "en"), "displayName",
                "must not be empty or only whitespace");
        String stacked = "must not stack more than 4 combining marks on one character";
        expectFieldError(roomId, Map.of("displayName", "Zx" + "\u0301".repeat(5), "spokenLanguage", "en"),
                "displayName", stacked);
        expectFieldError(roomId, Map.of("displayName", "Z" + "\u0336\u0335\u0334".repeat(100), "spokenLanguage", "en"),
                "displayName", stacked);
        // Invisible characters between the marks do not start a new character ("x" has no precomposed accents).
        expectFieldError(roomId, Map.of("displayName", "Zx\u0301\u0301\u200D\u0301\u0301\u200B\u0301",
                "spokenLanguage", "en"), "displayName", stacked);
        assertThat(redis.opsForHash().size(RedisKeys.participants(roomId)).block()).isZero();

        // Real names: Vietnamese typed decomposed (NFD) is stored composed; Tibetan, Devanagari, Thai stacks and
        // emoji sequences are within the limit.
        Map<String, Object> nguyen = join(roomId, "Nguye\u0302\u0303n Zoe\u0301");
        assertThat(((Map<?, ?>) nguyen.get("participant")).get("displayName")).isEqualTo("Nguy\u1EC5n Zo\u00E9");
        assertThat(tokens.verify((String) nguyen.get("token")).displayName()).isEqualTo("Nguy\u1EC5n Zo\u00E9");
        for (String name : List.of("\u0F56\u0F66\u0F92\u0FB2\u0F74\u0F56\u0F66", "\u0915\u094D\u0937\u0924\u094D\u0930\u093F\u092F",
                "\u0E2A\u0E21\u0E0A\u0E32\u0E22", "Ana \uD83D\uDC69\u200D\uD83D\uDCBB", "Zx" + "\u0301".repeat(4), "\u674E 2")) {
            join(roomId, name);
        }
    }

    private void expectFieldError(String roomId, Map<String, Object> body, String field, String message) {
        WebTestClient.BodyContentSpec spec = web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(HttpStatusCode.valueOf(400))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody();
        spec.jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo(field)
                .jsonPath("$.errors[0].message").isEqualTo(message);
    }
}

package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import io.babelcall.common.room.RedisKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class RoomApiTests extends ApiTestSupport {

    @Test
    void createsARoomWithAnUnguessableIdAndATtl() {
        Instant before = Instant.now();
        var result = web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", freshClient())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "  Weekly sync  ", "maxParticipants", 4))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(JSON).returnResult();
        Map<String, Object> room = result.getResponseBody();
        String roomId = (String) room.get("roomId");

        assertThat(roomId).matches("[A-Za-z0-9_-]{22}");
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/rooms/" + roomId);
        assertThat(room).containsEntry("joinUrl", "https://calls.test.example/r/" + roomId)
                .containsEntry("name", "Weekly sync")
                .containsEntry("maxParticipants", 4);
        Instant createdAt = Instant.parse((String) room.get("createdAt"));
        Instant expiresAt = Instant.parse((String) room.get("expiresAt"));
        assertThat(createdAt).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(Duration.between(createdAt, expiresAt)).isEqualTo(Duration.ofHours(3));

        // TTL command on the room hash: the configured 3 h.
        Long ttl = redis.getExpire(RedisKeys.room(roomId)).block().toSeconds();
        assertThat(ttl).isBetween(3 * 3600L - 10, 3 * 3600L);
        assertThat(redis.opsForHash().get(RedisKeys.room(roomId), "maxParticipants").block()).isEqualTo("4");
    }

    @Test
    void roomIdsAreDistinct() {
        assertThat(newRoom()).isNotEqualTo(newRoom());
    }

    @Test
    void bodyIsOptionalAndDefaultsApply() {
        Map<String, Object> room = web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", freshClient())
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(room).containsEntry("maxParticipants", 8).containsEntry("name", null);
    }

    @Test
    void rejectsCapacityOutsideTwoToSixteen() {
        for (int bad : new int[] {1, 17}) {
            web.post().uri("/api/v1/rooms")
                    .header("X-Forwarded-For", freshClient())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("maxParticipants", bad))
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(400)
                    .jsonPath("$.errors[0].field").isEqualTo("maxParticipants")
                    .jsonPath("$.errors[0].message").isEqualTo("must be between 2 and 16");
        }
    }

    @Test
    void getReturnsTheRoomWithItsParticipantsAndRefreshesTheTtl() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        Map<String, Object> bo = join(roomId, "Bo");
        // Shorten the TTLs, then check that reading the room sets them back to the full room TTL.
        redis.expire(RedisKeys.room(roomId), Duration.ofSeconds(60)).block();
        redis.expire(RedisKeys.participants(roomId), Duration.ofSeconds(60)).block();

        Map<String, Object> room = web.get().uri("/api/v1/rooms/{id}", roomId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();

        assertThat(room).containsEntry("roomId", roomId).containsEntry("maxParticipants", 8)
                .containsEntry("joinUrl", "https://calls.test.example/r/" + roomId);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> participants = (List<Map<String, Object>>) room.get("participants");
        assertThat(participants).extracting(p -> p.get("participantId"))
                .containsExactly(ana.get("participantId"), bo.get("participantId"));
        assertThat(participants.get(0)).containsEntry("displayName", "Ana")
                .containsEntry("spokenLanguage", "en").containsEntry("captionLanguage", "es")
                .containsEntry("dubbing", true).containsKey("joinedAt");
        assertThat(room.get("connectedParticipantIds")).asInstanceOf(LIST).isEmpty(); // nobody opened the call yet
        assertThat(redis.getExpire(RedisKeys.room(roomId)).block().toSeconds()).isGreaterThan(3 * 3600L - 10);
        assertThat(redis.getExpire(RedisKeys.participants(roomId)).block().toSeconds()).isGreaterThan(3 * 3600L - 10);
        assertThat(Instant.parse((String) room.get("expiresAt"))).isAfter(Instant.now().plus(Duration.ofMinutes(170)));

        // Bo's socket opens (signaling's presence entry); a stale entry of someone no longer listed is not reported
        connectToSignaling(roomId, (String) bo.get("participantId"));
        connectToSignaling(roomId, "gone-participant");
        Map<String, Object> again = web.get().uri("/api/v1/rooms/{id}", roomId)
                .exchange()
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(again.get("connectedParticipantIds")).asInstanceOf(LIST).containsExactly(bo.get("participantId"));
        assertThat(again.get("participants")).asInstanceOf(LIST).hasSize(2);
    }

    @Test
    void unknownRoomIs404Problem() {
        for (String id : new String[] {"AAAAAAAAAAAAAAAAAAAAAA", "not%20an%20id", "x".repeat(65)}) {
            web.get().uri("/api/v1/rooms/" + id)
                    .exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("room_not_found")
                    .jsonPath("$.title").isEqualTo("Not Found");
        }
    }

    @Test
    void rejectsControlCharactersInTheRoomName() {
        web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", freshClient())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "evil\u0007name"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("name")
                .jsonPath("$.errors[0].message").isEqualTo("must not contain control characters");
    }

    @Test
    void roomNamesNeedAVisibleLetterOrDigitAndAreStoredInNfc() {
        for (String name : List.of("\u200B", "\u3164\u3164\u3164", "\u2800", "\uFEFF\u200E", "a" + "\u0300".repeat(200))) {
            postJson("/api/v1/rooms", Map.of("name", name))
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo("name")
                    .jsonPath("$.errors[0].message").value(m -> assertThat((String) m)
                            .isIn("must contain at least one visible letter or digit",
                                    "must not stack more than 4 combining marks on one character"));
        }
        // Blank (also no-break and ideographic spaces) still means no name; decomposed text is stored composed.
        assertThat(createRoom(Map.of("name", "\u00A0 \u3000"))).containsEntry("name", null);
        Map<String, Object> room = createRoom(Map.of("name", " Cafe\u0301 "));
        assertThat(room).containsEntry("name", "Caf\u00E9");
        assertThat(redis.opsForHash().get(RedisKeys.room((String) room.get("roomId")), "name").block())
                .isEqualTo("Caf\u00E9");
    }
}

package io.babelcall.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.RedisKeys;
import io.babelcall.support.json.ClientJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

/** Bad input gets a clear RFC 9457 answer and changes nothing. */
class RequestErrorTests extends ApiTestSupport {

    @Test
    void malformedJsonIs400() {
        String roomId = newRoom();
        for (String body : new String[] {"{\"displayName\": \"Ana\", ", "not json", "[1,2", "{\"displayName\":}"}) {
            badRequest("/api/v1/rooms/" + roomId + "/participants", body)
                    .expectBody()
                    .jsonPath("$.title").isEqualTo("Bad Request")
                    .jsonPath("$.status").isEqualTo(400)
                    .jsonPath("$.code").isEqualTo("malformed_json")
                    .jsonPath("$.instance").isEqualTo("/api/v1/rooms/" + roomId + "/participants");
        }
        assertThat(redis.hasKey(RedisKeys.participants(roomId)).block()).isFalse();
    }

    @Test
    void wrongValueTypeNamesTheField() {
        web.post().uri("/api/v1/rooms")
                .header("X-Forwarded-For", freshClient())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"maxParticipants\": \"many\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("maxParticipants");
    }

    /** Strict types: no string to number, float to int, string or number to boolean, number to string. */
    @Test
    void valuesOfTheWrongJsonTypeAreRefusedNotCoerced() {
        for (String body : List.of("{\"maxParticipants\":\"16\"}", "{\"maxParticipants\":2.9}",
                "{\"maxParticipants\":16.0}", "{\"maxParticipants\":true}", "{\"maxParticipants\":99999999999}")) {
            expectWrongType("/api/v1/rooms", body, "maxParticipants");
        }
        expectWrongType("/api/v1/rooms", "{\"name\":42}", "name");
        String roomId = newRoom();
        String path = "/api/v1/rooms/" + roomId + "/participants";
        expectWrongType(path, "{\"displayName\":\"Ana\",\"spokenLanguage\":\"en\",\"dubbing\":\"true\"}", "dubbing");
        expectWrongType(path, "{\"displayName\":\"Ana\",\"spokenLanguage\":\"en\",\"dubbing\":1}", "dubbing");
        expectWrongType(path, "{\"displayName\":123,\"spokenLanguage\":\"en\"}", "displayName");
        expectWrongType(path, "{\"displayName\":\"Ana\",\"spokenLanguage\":[\"en\"]}", "spokenLanguage");
        assertThat(redis.hasKey(RedisKeys.participants(roomId)).block()).isFalse();
    }

    /**
     * A JSON escape can spell a lone UTF-16 surrogate, which no UTF-8 encoder can write (it used to be stored as
     * '?'): 400 naming the field, the value never echoed. Also a surrogate smuggled as raw CESU-8 bytes.
     */
    @Test
    void unpairedSurrogatesInNamesAreRefused() {
        String roomId = newRoom();
        String path = "/api/v1/rooms/" + roomId + "/participants";
        expectNotUnicode(path, "{\"displayName\":\"\\ud800\",\"spokenLanguage\":\"en\"}".getBytes(UTF_8),
                "displayName");
        expectNotUnicode(path, "{\"displayName\":\"Ana \\udc00 B\",\"spokenLanguage\":\"en\"}".getBytes(UTF_8),
                "displayName");
        byte[] cesu = concat("{\"displayName\":\"Ana".getBytes(UTF_8), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                "\",\"spokenLanguage\":\"en\"}".getBytes(UTF_8));
        badRequest(path, cesu);
        assertThat(redis.hasKey(RedisKeys.participants(roomId)).block()).isFalse();
        expectNotUnicode("/api/v1/rooms", "{\"name\":\"Weekly \\ud83d sync\"}".getBytes(UTF_8), "name");
    }

    /** Posts {@code body} as JSON and expects a 400 problem. */
    private WebTestClient.ResponseSpec badRequest(String path, Object body) {
        return postJson(path, body)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    private void expectWrongType(String path, String body, String field) {
        badRequest(path, body)
                .expectBody()
                .jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors.length()").isEqualTo(1)
                .jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private void expectNotUnicode(String path, byte[] body, String field) {
        badRequest(path, body)
                .expectBody(String.class).value(problem -> assertThat(problem)
                        .contains("\"code\":\"validation_failed\"")
                        .contains("\"field\":\"" + field + "\"")
                        .contains("\"message\":\"" + ClientJson.NOT_UNICODE + "\"")
                        .doesNotContain("\\ud8").doesNotContain("\\udc").doesNotContain("?").doesNotContain("\uFFFD"));
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void missingBodyIs400() {
        web.post().uri("/api/v1/rooms/{id}/participants", newRoom())
                .contentType(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void unknownJsonFieldsAreIgnored() {
        String roomId = newRoom();
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"displayName\":\"Ana\",\"spokenLanguage\":\"en\",\"avatar\":\"x\",\"future\":{\"a\":1}}")
                .exchange()
                .expectStatus().isCreated();
    }

    @Test
    void oversizedBodyIs413() {
        String roomId = newRoom();
        String big = "{\"displayName\":\"Ana\",\"spokenLanguage\":\"en\",\"padding\":\"" + "x".repeat(20 * 1024) + "\"}";
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(big)
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code").isEqualTo("body_too_large")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("16384"));

        // Without Content-Length (chunked), the codec limit applies.
        Flux<String> chunks = Flux.concat(Flux.just("{\"displayName\":\"Ana\",\"spokenLanguage\":\"en\",\"p\":\""),
                Flux.range(0, 40).map(i -> "y".repeat(512)), Flux.just("\"}"));
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromPublisher(chunks, String.class))
                .exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("body_too_large");
        assertThat(redis.hasKey(RedisKeys.participants(roomId)).block()).isFalse();
    }

    @Test
    void frameworkErrorsAreProblemsToo() {
        web.get().uri("/api/v1/nothing-here").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
        web.put().uri("/api/v1/rooms").exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Allow");
        web.post().uri("/api/v1/rooms/{id}/participants", newRoom())
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("displayName=Ana")
                .exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void problemResponsesCarryTheSecurityHeaders() {
        web.get().uri("/api/v1/rooms/{id}", "AAAAAAAAAAAAAAAAAAAAAA").exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer");
    }

    @Test
    void aBadRequestDoesNotDisturbOthers() {
        String roomId = newRoom();
        Map<String, Object> ana = join(roomId, "Ana");
        web.post().uri("/api/v1/rooms/{id}/participants", roomId)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{{{{")
                .exchange()
                .expectStatus().isBadRequest();
        web.get().uri("/api/v1/rooms/{id}", roomId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.participants[0].participantId").isEqualTo(ana.get("participantId"));
    }
}

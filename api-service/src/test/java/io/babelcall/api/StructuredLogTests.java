package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.testsupport.JsonLogCapture;
import java.util.Map;
import org.springframework.http.MediaType;
import org.junit.jupiter.api.Test;

/**
 * In the production log format (ECS JSON, as the stack sets it), the events of a call carry the trace id of the
 * request and the room and participant ids as fields an operator can query in Loki.
 */
class StructuredLogTests extends ApiTestSupport {

    @Test
    void roomAndJoinEventsCarryTraceRoomAndParticipantIds() {
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            String roomId = newRoom();
            String participantId = (String) join(roomId, "Zoë").get("participantId");

            Map<String, Object> created = logs.require("room " + roomId + " created");
            assertThat(created).containsEntry("roomId", roomId).doesNotContainKey("participantId");
            assertThat((String) created.get("traceId")).matches("[0-9a-f]{32}");

            Map<String, Object> joined = logs.require("participant " + participantId + " joined room " + roomId);
            assertThat(joined).containsEntry("roomId", roomId).containsEntry("participantId", participantId)
                    .containsKeys("@timestamp", "log", "service");
            assertThat((String) joined.get("traceId")).matches("[0-9a-f]{32}").isNotEqualTo(created.get("traceId"));
            assertThat((String) joined.get("spanId")).matches("[0-9a-f]{16}");
        }
    }

    @Test
    void aRequestsLinesCarryItsRequestIdAndAMalformedIdIsReplacedNotEchoed() {
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            Map<String, Object> created = web.post().uri("/api/v1/rooms").header("X-Request-Id", "room-req_7")
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange()
                    .expectStatus().isCreated()
                    .expectHeader().valueEquals("X-Request-Id", "room-req_7")
                    .expectBody(JSON).returnResult().getResponseBody();
            String roomId = (String) created.get("roomId");
            assertThat(logs.require("room " + roomId + " created")).containsEntry("requestId", "room-req_7")
                    .containsEntry("roomId", roomId);

            String echoed = web.post().uri("/api/v1/rooms").header("X-Request-Id", "x".repeat(65))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange()
                    .expectStatus().isCreated()
                    .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
            assertThat(echoed).matches("[0-9a-f]{32}");
        }
    }
}

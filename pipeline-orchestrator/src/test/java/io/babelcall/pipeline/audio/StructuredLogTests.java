package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.PipelineTestBase;
import io.babelcall.testsupport.JsonLogCapture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In the production log format (ECS JSON, as the stack sets it), an audio stream's events carry the room and
 * participant ids as fields, and the trace id of the WebSocket upgrade request.
 */
class StructuredLogTests extends PipelineTestBase {

    @Test
    void audioStreamEventsNameTheRoomAndParticipant() {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p-log", "Ann", "en", "es", false);
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            try (AudioClient client = AudioClient.connect(port, token)) {
                client.binary(new byte[640]); // audio before the start frame: rejected
                assertThat(client.awaitClose(Duration.ofSeconds(5))).isEqualTo(1003);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                Map<String, Object> opened = logs.require("audio stream of p-log in room " + room + " opened");
                assertThat(opened).containsEntry("roomId", room).containsEntry("participantId", "p-log");
                assertThat((String) opened.get("traceId")).matches("[0-9a-f]{32}");
                assertThat(logs.require("closing audio stream of p-log with 1003 (no_start)"))
                        .containsEntry("roomId", room).containsEntry("participantId", "p-log")
                        .containsEntry("traceId", opened.get("traceId"));
                assertThat(logs.require("audio stream of p-log in room " + room + " ended"))
                        .containsEntry("roomId", room).containsEntry("participantId", "p-log");
            });
        }
    }
}

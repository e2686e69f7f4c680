package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.PipelineTestBase;
import io.babelcall.support.web.RequestIdWebFilter;
import io.babelcall.testsupport.JsonLogCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * In the production log format (ECS JSON, as the stack sets it), an audio stream's events carry the room and
 * participant ids as fields, and the trace id of the WebSocket upgrade request; a pipeline step's lines, logged on
 * Reactor threads, carry the utterance id as well; an HTTP request's lines carry its request id.
 */
class StructuredLogTests extends PipelineTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

    @Test
    void aPipelineLineOnAReactorThreadNamesRoomParticipantAndUtterance() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p-mdc", "Ann", "en", "en", false);
        rooms.join(room, "p-ca", "Dani", "ca", "ca", false);
        engines.recognizer.script("p-mdc", "hello there");
        engines.translator.fail("ca", true);
        try (JsonLogCapture logs = JsonLogCapture.ecs(); EventCollector events = events(room);
             AudioClient client = AudioClient.connect(port, token).start(16000)) {
            client.stream(utterance(16000), 16000, 20, 1.5);
            Transcript heard = events.await(Transcript.class, Transcript::isFinal, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    logs.require("translation en->ca failed for room " + room))
                    .containsEntry("roomId", room).containsEntry("participantId", "p-mdc")
                    .containsEntry("utteranceId", heard.utteranceId()));
        } finally {
            engines.translator.fail("ca", false);
        }
    }

    @Test
    void aWellFormedRequestIdIsEchoedAndLoggedAMalformedOneReplaced() throws Exception {
        Logger filterLog = (Logger) LoggerFactory.getLogger(RequestIdWebFilter.class);
        Level before = filterLog.getLevel();
        filterLog.setLevel(Level.DEBUG);
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            HttpResponse<String> ok = request("req-1.A_b");
            assertThat(ok.headers().firstValue("X-Request-Id")).contains("req-1.A_b");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    logs.require("GET /api/v1/engines/capabilities answered 200")).containsEntry("requestId", "req-1.A_b"));

            HttpResponse<String> replaced = request("bad id <script>");
            assertThat(replaced.headers().firstValue("X-Request-Id")).get(InstanceOfAssertFactories.STRING)
                    .matches("[0-9a-f]{32}");
        } finally {
            filterLog.setLevel(before);
        }
    }

    private HttpResponse<String> request(String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/engines/capabilities")).header("X-Request-Id", requestId)
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}

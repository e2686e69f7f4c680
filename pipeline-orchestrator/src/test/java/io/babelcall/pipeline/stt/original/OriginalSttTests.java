package io.babelcall.pipeline.stt.original;

import static io.babelcall.pipeline.engine.remote.Http.body;
import static io.babelcall.pipeline.engine.remote.Http.json;
import static io.babelcall.pipeline.engine.remote.Http.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Contract of type {@code original-stt} (stream-start / transcribe-stream / stream-end / health). */
class OriginalSttTests {

    static final RecognitionRequest REQUEST = new RecognitionRequest("room-7", "p-42", LanguageCode.of("vi"), 16000);

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    SpeechRecognizer stt;

    @BeforeEach
    void start() throws Exception {
        server.start();
        stt = TestEngines.create(new OriginalSttFactory(remote), "phowhisper", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "languages", "vi"));
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    static String reply(String text) {
        return "{\"participant_id\":\"p-42\",\"text\":\"" + text + "\",\"language\":\"vi\",\"confidence\":0.93,"
                + "\"is_final\":true,\"timestamp\":\"2024-05-01T10:00:00Z\"}";
    }

    @Test
    void startsTranscribesAndEndsTheStreamWithTheExactBodies() throws Exception {
        server.enqueue(json(200, "{\"status\":\"started\",\"participant_id\":\"p-42\"}"));
        server.enqueue(json(200, reply("xin chào các bạn")));
        server.enqueue(json(200, "{\"status\":\"ended\"}"));
        short[] pcm = {0, 1, -1, 32767, -32768, 1234, -4321, 7};
        Recording rec = new Recording();
        RecognitionSession s = stt.open(REQUEST, rec);

        RecordedRequest start = take(server);
        assertThat(start.getMethod()).isEqualTo("POST");
        assertThat(start.getTarget()).isEqualTo("/api/v1/stream-start");
        assertThat(start.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(start.getBody().utf8())
                .isEqualTo("{\"participant_id\":\"p-42\",\"room_id\":\"room-7\",\"sample_rate\":16000,\"channels\":1}");

        s.accept(pcm, 0, pcm.length);
        s.endUtterance();
        assertThat(rec.await(1)).isEqualTo("xin chào các bạn");
        RecordedRequest t = take(server);
        assertThat(t.getTarget()).isEqualTo("/api/v1/transcribe-stream");
        JsonNode b = body(t);
        assertThat(b.propertyNames()).containsExactly("participant_id", "audio_data", "sample_rate", "channels",
                "format", "language");
        assertThat(b.path("participant_id").asString()).isEqualTo("p-42");
        assertThat(b.path("sample_rate").asInt()).isEqualTo(16000);
        assertThat(b.path("channels").asInt()).isEqualTo(1);
        assertThat(b.path("format").asString()).isEqualTo("pcm16");
        assertThat(b.path("language").asString()).isEqualTo("vi");
        byte[] expected = new byte[pcm.length * 2];
        ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(pcm);
        assertThat(Base64.getDecoder().decode(b.path("audio_data").asString())).isEqualTo(expected);

        s.close();
        RecordedRequest end = take(server);
        assertThat(end.getTarget()).isEqualTo("/api/v1/stream-end");
        assertThat(end.getBody().utf8()).isEqualTo("{\"participant_id\":\"p-42\"}");
    }

    @Test
    void failuresEndTheirUtteranceAndAFailedStartIsRetried() throws Exception {
        server.enqueue(json(503, "{\"detail\":\"model loading\"}"));               // stream-start at open
        server.enqueue(json(200, "{\"status\":\"started\"}"));                     // retried before utterance 1
        server.enqueue(json(422, "{\"detail\":\"audio_data: invalid base64\"}"));   // utterance 1
        server.enqueue(json(200, "{\"participant_id\":\"someone-else\",\"text\":\"x\"}")); // utterance 2
        server.enqueue(json(200, "not json"));                                     // utterance 3
        server.enqueue(Http.stalled(Duration.ofSeconds(3), reply("late")));        // utterance 4
        server.enqueue(json(200, reply("được rồi")));                              // utterance 5
        Recording rec = new Recording();
        short[] pcm = new short[1600];
        SpeechRecognizer timed = TestEngines.create(new OriginalSttFactory(remote), "phowhisper", Duration.ofMillis(400),
                Map.of("url", server.url("/").toString(), "languages", "vi"));
        try (RecognitionSession s = TestEngines.timed(timed, Duration.ofMillis(400)).open(REQUEST, rec)) {
            take(server); // the failed start
            for (int i = 1; i <= 5; i++) {
                s.accept(pcm, 0, pcm.length);
                s.endUtterance();
                rec.await(i);
            }
        }
        assertThat(rec.results.get(0)).isInstanceOf(EngineException.class).asString().contains("HTTP 422");
        assertThat(rec.results.get(1)).asString().contains("someone-else");
        assertThat(rec.results.get(2)).asString().contains("not JSON");
        assertThat(rec.results.get(3)).isInstanceOf(EngineTimeoutException.class);
        assertThat(rec.results.get(4)).isEqualTo("được rồi");
        assertThat(take(server).getTarget()).isEqualTo("/api/v1/stream-start");
    }

    /**
     * At a pause the utterance so far is sent at once; if it ends without more speech that reply is its final and
     * nothing more is sent; if the speaker goes on, the whole utterance is sent at its end and that reply is the final.
     */
    @Test
    void theUtteranceIsSentAtAPauseAndThatReplyIsTheFinalUnlessTheSpeakerGoesOn() throws Exception {
        server.enqueue(json(200, "{\"status\":\"started\"}"));
        server.enqueue(json(200, reply("xin chào")));          // sent at the pause of utterance 1
        server.enqueue(json(200, reply("tôi muốn")));          // sent at the pause of utterance 2 (then ignored)
        server.enqueue(json(200, reply("tôi muốn một ly cà phê"))); // utterance 2 at its end
        Recording rec = new Recording();
        short[] spoken = {11, 12, 13, 14};
        short[] silence = {0, 0, 0, 0};
        short[] more = {21, 22, 23};
        try (RecognitionSession s = stt.open(REQUEST, rec)) {
            take(server); // stream-start
            s.accept(spoken, 0, spoken.length);
            s.speechPaused();
            RecordedRequest atPause = take(server);
            assertThat(pcm(atPause)).isEqualTo(bytes(spoken));
            s.accept(silence, 0, silence.length); // the rest of the hangover
            s.endUtterance();
            assertThat(rec.await(1)).isEqualTo("xin chào");

            s.accept(spoken, 0, spoken.length);
            s.speechPaused();
            // the next request is this pause's: utterance 1 sent nothing more at its end
            assertThat(pcm(take(server))).isEqualTo(bytes(spoken));
            s.accept(silence, 0, silence.length);
            s.accept(more, 0, more.length);
            s.speechResumed();
            s.endUtterance();
            assertThat(rec.await(2)).isEqualTo("tôi muốn một ly cà phê");
            RecordedRequest atEnd = take(server);
            short[] whole = {11, 12, 13, 14, 0, 0, 0, 0, 21, 22, 23};
            assertThat(pcm(atEnd)).isEqualTo(bytes(whole));
        }
        assertThat(rec.results).hasSize(2);
    }

    private static byte[] pcm(RecordedRequest r) throws Exception {
        return Base64.getDecoder().decode(body(r).path("audio_data").asString());
    }

    private static byte[] bytes(short[] pcm) {
        byte[] b = new byte[pcm.length * 2];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(pcm);
        return b;
    }

    @Test
    void healthIsGetHealth() throws Exception {
        server.enqueue(json(200, "{\"status\":\"healthy\",\"model_loaded\":true}"));
        EngineHealth.Status status = ((EngineHealth) stt).health().block(Duration.ofSeconds(5));
        assertThat(status.up()).isTrue();
        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getTarget()).isEqualTo("/health");
    }
}

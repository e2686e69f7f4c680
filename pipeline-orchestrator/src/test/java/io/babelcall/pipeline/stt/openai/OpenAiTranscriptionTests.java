package io.babelcall.pipeline.stt.openai;

import static io.babelcall.pipeline.engine.remote.Http.json;
import static io.babelcall.pipeline.engine.remote.Http.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.tts.WavFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code openai-stt} ({@code POST /v1/audio/transcriptions}, multipart) against a MockWebServer. */
class OpenAiTranscriptionTests {

    static final RecognitionRequest REQUEST = new RecognitionRequest("room1", "alice", LanguageCode.of("vi-VN"), 16000);

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    SpeechRecognizer recognizer(Map<String, String> extra) {
        return recognizer(extra, Duration.ofSeconds(2));
    }

    SpeechRecognizer recognizer(Map<String, String> extra, Duration timeout) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("url", server.url("/").toString(),
                "api-key", "sk-test", "model", "Systran/faster-whisper-small", "languages", "vi,en"));
        options.putAll(extra);
        return TestEngines.create(new OpenAiTranscriptionFactory(remote), "whisper", timeout, options);
    }

    static short[] audio(double seconds) {
        short[] s = new short[(int) (16000 * seconds)];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (3000 * Math.sin(i * 0.07) + (i % 7));
        }
        return s;
    }

    @Test
    void sendsTheUtteranceAsMultipartWavAndDeliversTheFinal() throws Exception {
        server.enqueue(json(200, "{\"text\":\" Xin chào các bạn. \"}"));
        Recording rec = new Recording();
        short[] pcm = audio(1.2);
        try (RecognitionSession s = recognizer(Map.of()).open(REQUEST, rec)) {
            s.accept(pcm, 0, 8000);
            s.accept(pcm, 8000, pcm.length - 8000);
            s.endUtterance();
            assertThat(rec.await(1)).isEqualTo("Xin chào các bạn.");
        }
        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/v1/audio/transcriptions");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("multipart/form-data").contains("boundary=");
        Map<String, Object[]> parts = Recording.multipart(r.getHeaders().get("Content-Type"), r.getBody().toByteArray());
        assertThat(parts.keySet()).containsExactly("file", "model", "language", "response_format");
        Headers fileHeaders = (Headers) parts.get("file")[0];
        assertThat(fileHeaders.get("Content-Disposition")).contains("filename=\"utterance.wav\"");
        assertThat(fileHeaders.get("Content-Type")).isEqualTo("audio/wav");
        assertThat(WavFile.pcm16Samples((byte[]) parts.get("file")[1])).isEqualTo(pcm);
        assertThat(WavFile.parse((byte[]) parts.get("file")[1]).sampleRate()).isEqualTo(16000);
        assertThat(new String((byte[]) parts.get("model")[1], StandardCharsets.UTF_8)).isEqualTo("Systran/faster-whisper-small");
        assertThat(new String((byte[]) parts.get("language")[1], StandardCharsets.UTF_8)).isEqualTo("vi");
        assertThat(new String((byte[]) parts.get("response_format")[1], StandardCharsets.UTF_8)).isEqualTo("json");
    }

    @Test
    void interimsReTranscribeTheGrowingUtteranceAndOnlyGrow() throws Exception {
        // Hypotheses by audio length, with a word that changes ("there" / "their"): only agreed words are shown.
        java.util.concurrent.atomic.AtomicBoolean finalPhase = new java.util.concurrent.atomic.AtomicBoolean();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (finalPhase.get()) {
                    return json(200, "{\"text\":\"Hello there, how are you?\"}");
                }
                double seconds = (request.getBody().size() - 500) / 32000.0;
                String text = seconds < 0.9 ? "hello" : seconds < 1.8 ? "hello there how" : "hello their how are";
                return json(200, "{\"text\":\"" + text + "\"}");
            }
        });
        Recording rec = new Recording();
        short[] pcm = audio(3.0);
        try (RecognitionSession s = recognizer(Map.of("interim-interval", "300ms", "interim-min-audio", "300ms"))
                .open(REQUEST, rec)) {
            for (int at = 0; at < pcm.length; at += 1600) {
                s.accept(pcm, at, 1600);
                Thread.sleep(25);
            }
            finalPhase.set(true);
            s.endUtterance();
            assertThat(rec.await(1)).isEqualTo("Hello there, how are you?");
        }
        System.out.println("interims: " + rec.interims + ", requests: " + server.getRequestCount());
        // "how" is held back: each hypothesis that agreed on it ended on it (a word may still be being spoken)
        assertThat(rec.interims).isNotEmpty().isSubsetOf(List.of("hello", "hello there"));
        for (int i = 1; i < rec.interims.size(); i++) {
            assertThat(rec.interims.get(i)).as("interims never flicker").startsWith(rec.interims.get(i - 1));
        }
        assertThat(rec.interims).as("\"their\" never agreed with \"there\"").last().isEqualTo("hello there");
    }

    @Test
    void failuresEndTheirUtteranceAndTheNextOneWorks() throws Exception {
        Recording rec = new Recording();
        // the router puts the same time limit around the engine as the engine's own (the instance timeout)
        SpeechRecognizer stt = TestEngines.timed(recognizer(Map.of(), Duration.ofMillis(400)), Duration.ofMillis(400));
        short[] pcm = audio(0.5);
        server.enqueue(json(400, "{\"error\":{\"message\":\"Unsupported language\"}}"));
        server.enqueue(json(500, "{\"detail\":\"CUDA out of memory\"}"));
        server.enqueue(json(200, "{\"segments\":[]}"));
        server.enqueue(Http.stalled(Duration.ofSeconds(3), "{\"text\":\"late\"}"));
        server.enqueue(json(200, "{\"text\":\"works again\"}"));
        try (RecognitionSession s = stt.open(REQUEST, rec)) {
            for (int i = 0; i < 5; i++) {
                s.accept(pcm, 0, pcm.length);
                s.endUtterance();
                rec.await(i + 1);
            }
            s.endUtterance(); // no audio: empty final without a request
            assertThat(rec.await(6)).isEqualTo("");
        }
        assertThat(rec.results.get(0)).isInstanceOf(EngineException.class).asString().contains("HTTP 400");
        assertThat(((EngineException) rec.results.get(1)).isTransient()).isTrue();
        assertThat(rec.results.get(2)).isInstanceOf(EngineException.class).asString().contains("'text'");
        assertThat(rec.results.get(3)).isInstanceOf(EngineTimeoutException.class);
        assertThat(rec.results.get(4)).isEqualTo("works again");
        assertThat(server.getRequestCount()).isEqualTo(5);
    }
}

package io.babelcall.pipeline.stt.vosk;

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
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contract of type {@code vosk} against a local WebSocket server (MockWebServer's WebSocket upgrade) that speaks the
 * vosk-server protocol: config text frame, binary PCM, a partial or result per chunk, {@code {"eof" : 1}} -> final and
 * close.
 */
class VoskRecognizerTests {

    static final RecognitionRequest REQUEST = new RecognitionRequest("room1", "bob", LanguageCode.of("en"), 16000);

    /** One server-side socket: what it received, in order ("text:..." or "binary:<n bytes>"), and the audio. */
    static final class ServerSocket extends WebSocketListener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final ByteArrayOutputStream audio = new ByteArrayOutputStream();
        final AtomicInteger chunks = new AtomicInteger();
        final String mode;
        volatile WebSocket socket;

        ServerSocket(String mode) {
            this.mode = mode;
        }

        @Override
        public void onOpen(WebSocket ws, Response response) {
            socket = ws;
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            messages.add("text:" + text);
            if (text.equals("{\"eof\" : 1}")) {
                if (mode.equals("stall")) {
                    return;
                }
                ws.send("{\"result\" : [{\"conf\" : 1.0, \"end\" : 2.1, \"start\" : 1.8, \"word\" : \"again\"}],"
                        + " \"text\" : \"again\"}");
                ws.close(1000, "");
            }
        }

        @Override
        public void onMessage(WebSocket ws, ByteString bytes) {
            messages.add("binary:" + bytes.size());
            synchronized (audio) {
                audio.writeBytes(bytes.toByteArray());
            }
            int n = chunks.incrementAndGet();
            switch (mode) {
                case "close-early" -> ws.close(1011, "model crashed");
                case "malformed" -> ws.send("partial hello");
                default -> ws.send(n == 1 ? "{\"partial\" : \"hello\"}"
                        : n == 2 ? "{\"partial\" : \"hello world\"}"
                        : n == 3 ? "{\"result\" : [{\"conf\":1,\"end\":0.9,\"start\":0.1,\"word\":\"hello\"},"
                        + "{\"conf\":1,\"end\":1.2,\"start\":0.9,\"word\":\"world\"}], \"text\" : \"hello world\"}"
                        : "{\"partial\" : \"\"}");
            }
        }
    }

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    List<ServerSocket> sockets = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        // the stalled server socket never closes by itself
        sockets.stream().filter(s -> s.socket != null && s.mode.equals("stall")).forEach(s -> s.socket.close(1001, ""));
        server.close();
        remote.close();
    }

    ServerSocket upgrade(String mode) {
        ServerSocket s = new ServerSocket(mode);
        sockets.add(s);
        server.enqueue(new MockResponse.Builder().webSocketUpgrade(s).build());
        return s;
    }

    SpeechRecognizer vosk(Duration timeout) {
        String url = "ws://" + server.getHostName() + ":" + server.getPort();
        return TestEngines.create(new VoskFactory(remote), "vosk-en", timeout,
                Map.of("url", url, "languages", "en", "chunk", "100ms"));
    }

    static short[] audio(int samples) {
        short[] s = new short[samples];
        for (int i = 0; i < s.length; i++) {
            s[i] = (short) (i * 31);
        }
        return s;
    }

    @Test
    void oneSocketPerUtteranceWithConfigPcmAndEofAndTheFinalIsEveryTextOfIt() throws Exception {
        ServerSocket first = upgrade("normal");
        ServerSocket second = upgrade("normal");
        Recording rec = new Recording();
        short[] pcm = audio(16000 / 10 * 4 + 800); // 4.5 chunks of 100 ms
        try (RecognitionSession s = vosk(Duration.ofSeconds(2)).open(REQUEST, rec)) {
            for (int at = 0; at < pcm.length; at += 320) { // 20 ms frames, as the pipeline sends
                s.accept(pcm, at, Math.min(320, pcm.length - at));
            }
            // partials come while the utterance goes on (later ones are replaced by the final)
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> rec.interims.size() >= 2);
            s.endUtterance();
            assertThat(rec.await(1)).isEqualTo("hello world again");
            s.accept(pcm, 0, 1600);
            s.endUtterance();
            assertThat(rec.await(2)).isEqualTo("again");
        }
        assertThat(first.messages).containsExactly("text:{\"config\":{\"sample_rate\":16000}}",
                "binary:3200", "binary:3200", "binary:3200", "binary:3200", "binary:1600", "text:{\"eof\" : 1}");
        byte[] expected = new byte[pcm.length * 2];
        ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(pcm);
        assertThat(first.audio.toByteArray()).isEqualTo(expected);
        assertThat(rec.interims).containsExactly("hello", "hello world");
        assertThat(second.messages).hasSize(3).last().isEqualTo("text:{\"eof\" : 1}");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void anUtteranceWithoutAudioOpensNoSocket() {
        Recording rec = new Recording();
        try (RecognitionSession s = vosk(Duration.ofSeconds(2)).open(REQUEST, rec)) {
            s.endUtterance();
            assertThat(rec.await(1)).isEqualTo("");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void failuresEndTheirUtteranceOnlyAfterItsEndAndTheNextUtteranceWorks() throws Exception {
        upgrade("close-early");
        upgrade("malformed");
        upgrade("stall");
        upgrade("normal");
        Recording rec = new Recording();
        short[] pcm = audio(3200);
        SpeechRecognizer stt = TestEngines.timed(vosk(Duration.ofMillis(500)), Duration.ofMillis(500));
        try (RecognitionSession s = stt.open(REQUEST, rec)) {
            for (int i = 1; i <= 4; i++) {
                s.accept(pcm, 0, pcm.length);
                int n = i;
                if (i == 1) { // the server closed during the utterance: nothing is reported before its end
                    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sockets.get(n - 1).chunks.get() > 0);
                    Awaitility.await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1))
                            .until(rec.results::isEmpty);
                }
                s.endUtterance();
                rec.await(i);
            }
        }
        assertThat(rec.results.get(0)).isInstanceOf(EngineException.class).asString().contains("closed the socket");
        assertThat(((EngineException) rec.results.get(0)).isTransient()).isTrue();
        assertThat(rec.results.get(1)).isInstanceOf(EngineException.class).asString().contains("malformed");
        assertThat(rec.results.get(2)).isInstanceOf(EngineTimeoutException.class);
        assertThat(rec.results.get(3)).isEqualTo("again"); // two chunks: partials only, then the eof answer
    }

    @Test
    void anUnreachableServerIsAnErrorOfTheUtterance() {
        Recording rec = new Recording();
        SpeechRecognizer stt = TestEngines.create(new VoskFactory(remote), "vosk-en", Duration.ofSeconds(2),
                Map.of("url", "ws://127.0.0.1:9", "languages", "en"));
        try (RecognitionSession s = stt.open(REQUEST, rec)) {
            s.accept(audio(1600), 0, 1600);
            s.endUtterance();
            assertThat(rec.await(1)).isInstanceOf(EngineException.class).asString().contains("failed");
        }
    }
}

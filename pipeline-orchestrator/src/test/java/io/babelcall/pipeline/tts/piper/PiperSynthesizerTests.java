package io.babelcall.pipeline.tts.piper;

import static io.babelcall.pipeline.engine.remote.Http.assertHttpError;
import static io.babelcall.pipeline.engine.remote.Http.error;
import static io.babelcall.pipeline.engine.remote.Http.json;
import static io.babelcall.pipeline.engine.remote.Http.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code piper} (the original Piper service, base64 WAV in JSON) against a MockWebServer. */
class PiperSynthesizerTests {

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    SpeechSynthesizer tts;

    @BeforeEach
    void start() throws Exception {
        server.start();
        tts = TestEngines.create(new PiperFactory(remote), "piper", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "languages", "vi"));
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    static String wavBase64(double seconds) {
        short[] pcm = new short[(int) (22050 * seconds)];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (6000 * Math.sin(i * 0.03));
        }
        return Base64.getEncoder().encodeToString(WavFile.pcm16Mono(pcm, 0, pcm.length, 22050));
    }

    @Test
    void postsTextAndLangAndDecodesTheBase64Wav() throws Exception {
        server.enqueue(json(200, "{\"audio_base64\":\"" + wavBase64(1.2) + "\",\"lang\":\"vi\",\"duration\":1.2}"));

        SynthesizedSpeech speech = tts.synthesize("Xin chào các bạn.", LanguageCode.of("vi-VN"), null)
                .block(Duration.ofSeconds(5));

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/synthesize");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getBody().utf8()).isEqualTo("{\"text\":\"Xin chào các bạn.\",\"lang\":\"vi\"}");
        assertThat(speech.duration()).isEqualTo(Duration.ofMillis(1200));
        assertThat(WavFile.parse(speech.wav()).sampleRate()).isEqualTo(22050);
    }

    @Test
    void failuresAreEngineErrors() {
        LanguageCode vi = LanguageCode.of("vi");
        server.enqueue(json(400, "{\"detail\":\"Unsupported language: fr\"}"));
        assertHttpError(error(tts.synthesize("Chào.", vi, null)), 400, false, "Unsupported language");
        server.enqueue(json(500, "{\"detail\":\"onnxruntime error\"}"));
        assertHttpError(error(tts.synthesize("Chào.", vi, null)), 500, true, "onnxruntime");
        server.enqueue(json(200, "{\"audio_base64\":\"%%% not base64 %%%\",\"lang\":\"vi\",\"duration\":1}"));
        assertThat(error(tts.synthesize("Chào.", vi, null))).isInstanceOf(EngineException.class)
                .hasMessageContaining("not base64");
        server.enqueue(json(200, "{\"audio_base64\":\"" + Base64.getEncoder().encodeToString("RIFF....".getBytes(StandardCharsets.US_ASCII))
                + "\",\"lang\":\"vi\",\"duration\":1}"));
        assertThat(error(tts.synthesize("Chào.", vi, null))).isInstanceOf(EngineException.class)
                .hasMessageContaining("not a PCM WAV");
        server.enqueue(json(200, "{\"lang\":\"vi\"}"));
        assertThat(error(tts.synthesize("Chào.", vi, null))).hasMessageContaining("audio_base64");
        server.enqueue(Http.stalled(Duration.ofSeconds(3), "{}"));
        assertThat(error(TestEngines.timed(tts, Duration.ofMillis(300)).synthesize("Chào.", vi, null)))
                .isInstanceOf(EngineTimeoutException.class);
    }
}

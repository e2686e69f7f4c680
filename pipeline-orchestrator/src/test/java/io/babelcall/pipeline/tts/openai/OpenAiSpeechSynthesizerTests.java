package io.babelcall.pipeline.tts.openai;

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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code openai-tts} ({@code POST /v1/audio/speech}) against a MockWebServer. */
class OpenAiSpeechSynthesizerTests {

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    SpeechSynthesizer tts;

    @BeforeEach
    void start() throws Exception {
        server.start();
        tts = TestEngines.create(new OpenAiSpeechFactory(remote), "kokoro", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "api-key", "sk-local", "model", "kokoro",
                        "languages", "en,es", "default-voice", "af_heart", "voice.es", "ef_dora"));
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    static byte[] wav(double seconds, boolean placeholderSizes) {
        short[] pcm = new short[(int) (24000 * seconds)];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (8000 * Math.sin(i * 0.05));
        }
        byte[] wav = WavFile.pcm16Mono(pcm, 0, pcm.length, 24000);
        if (placeholderSizes) { // as streamed by servers that write the header before the audio
            java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(4, -1).putInt(40, -1);
        }
        return wav;
    }

    static MockResponse audio(byte[] wav) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "audio/wav")
                .body(new Buffer().write(wav)).build();
    }

    @Test
    void postsTheExactJsonAndReturnsTheWavWithItsDuration() throws Exception {
        server.enqueue(audio(wav(1.5, true)));

        SynthesizedSpeech speech = tts.synthesize("Hola a todos.", LanguageCode.of("es"), null)
                .block(Duration.ofSeconds(5));

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/v1/audio/speech");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer sk-local");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getBody().utf8()).isEqualTo(
                "{\"model\":\"kokoro\",\"input\":\"Hola a todos.\",\"voice\":\"ef_dora\",\"response_format\":\"wav\"}");
        assertThat(speech.duration()).isEqualTo(Duration.ofMillis(1500));
        WavFile.Info info = WavFile.parse(speech.wav());
        assertThat(info.sampleRate()).isEqualTo(24000);
        assertThat(java.nio.ByteBuffer.wrap(speech.wav()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4))
                .as("RIFF size fixed").isEqualTo(speech.wav().length - 8);

        server.enqueue(audio(wav(0.5, false)));
        tts.synthesize("Hello.", LanguageCode.of("en-US"), null).block(Duration.ofSeconds(5));
        assertThat(Http.body(take(server)).path("voice").asString()).isEqualTo("af_heart");
    }

    @Test
    void failuresAreEngineErrors() {
        server.enqueue(json(404, "{\"detail\":\"Model 'kokoro' is not installed\"}"));
        assertHttpError(error(tts.synthesize("Hi.", LanguageCode.of("en"), null)), 404, false, "not installed");
        server.enqueue(json(503, "{\"detail\":\"busy\"}"));
        assertHttpError(error(tts.synthesize("Hi.", LanguageCode.of("en"), null)), 503, true, "busy");
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "audio/mpeg")
                .body("ID3\u0003 not a wav").build());
        assertThat(error(tts.synthesize("Hi.", LanguageCode.of("en"), null))).isInstanceOf(EngineException.class)
                .hasMessageContaining("not a PCM WAV");
        server.enqueue(new MockResponse.Builder().code(200).body(new Buffer().write(wav(0.2, false)))
                .headersDelay(3, TimeUnit.SECONDS).build());
        assertThat(error(TestEngines.timed(tts, Duration.ofMillis(300)).synthesize("Hi.", LanguageCode.of("en"), null)))
                .isInstanceOf(EngineTimeoutException.class);
        assertThat(error(tts.synthesize(" ", LanguageCode.of("en"), null))).isInstanceOf(IllegalArgumentException.class);
    }
}

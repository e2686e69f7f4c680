package io.babelcall.pipeline.engine.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STT time limit on the real pocketsphinx: with a 1 ms limit every final is late, so each utterance ends in exactly
 * one timeout error, late finals never reach the listener, and the meters count timeouts.
 */
class MeteredRecognizerTests {

    @TempDir
    Path dir;

    @Test
    void aLateFinalBecomesOneTimeoutErrorAndIsNeverDeliveredAfterwards() throws Exception {
        SpeechRecognizer raw = TestEngines.create(new PocketsphinxFactory(), "sphinx", Duration.ofSeconds(5),
                Map.of("min-idle", "0", "max-decoders", "1", "decode-threads", "1", "max-backlog", "30s"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SpeechRecognizer metered = new MeteredRecognizer(raw, Duration.ofMillis(1), new EngineMetrics(meters));
        List<String> finals = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        short[] speech = TestSpeech.speak("please call me back", dir);
        try (RecognitionSession s = metered.open(new RecognitionRequest("r", "s", LanguageCode.of("en"), 16000),
                new RecognitionListener() {
                    @Override
                    public void onInterim(String text) {
                    }

                    @Override
                    public void onFinal(String text) {
                        finals.add(text);
                    }

                    @Override
                    public void onError(Throwable error) {
                        errors.add(error);
                    }
                })) {
            for (int u = 0; u < 2; u++) {
                s.accept(speech, 0, speech.length);
                s.endUtterance();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> errors.size() == 2);
            // let the engine finish both utterances; their finals must be dropped
            await().atMost(Duration.ofSeconds(20)).until(() -> Boolean.TRUE.equals(
                    ((EngineHealth) raw).health().map(h -> h.details().get("idleDecoders").equals(1)).block()));
            // a late final would arrive right after the decoder is returned: none may come through
            await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(finals::isEmpty);
        } finally {
            ((AutoCloseable) raw).close();
        }
        assertThat(errors).allSatisfy(e -> assertThat(e).isInstanceOf(EngineTimeoutException.class));
        assertThat(finals).isEmpty();
        assertThat(meters.get(EngineMetrics.CALL).tag("outcome", "timeout").timer().count()).isEqualTo(2);
        assertThat(meters.get(EngineMetrics.ERRORS).tag("role", "stt").counter().count()).isEqualTo(2);
    }
}

package io.babelcall.pipeline.engine;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Time limit and metrics around one synthesizer instance. */
final class MeteredSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer delegate;
    private final Duration timeout;
    private final EngineMetrics metrics;

    MeteredSynthesizer(SpeechSynthesizer delegate, Duration timeout, EngineMetrics metrics) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Set<LanguageCode> languages() {
        return delegate.languages();
    }

    @Override
    public Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return Mono.defer(() -> delegate.synthesize(text, language, voice))
                    .switchIfEmpty(Mono.error(() -> new EngineException("synthesizer '" + name() + "' returned nothing")))
                    .timeout(timeout, Mono.error(() -> new EngineTimeoutException(EngineRole.TTS, name(), timeout)))
                    .doOnSuccess(r -> metrics.record(EngineRole.TTS, name(), start, null))
                    .doOnError(e -> metrics.record(EngineRole.TTS, name(), start, e));
        });
    }
}

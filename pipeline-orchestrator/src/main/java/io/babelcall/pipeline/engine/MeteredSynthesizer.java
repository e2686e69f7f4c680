package io.babelcall.pipeline.engine;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Time limit and metrics around one synthesizer instance. */
final class MeteredSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer delegate;
    private final Duration timeout;
    private final TimeLimiter limiter;
    private final EngineMetrics metrics;

    MeteredSynthesizer(SpeechSynthesizer delegate, Duration timeout, EngineMetrics metrics) {
        this(delegate, TimeLimiter.of(delegate.name(), TimeLimiterConfig.custom().timeoutDuration(timeout).build()),
                metrics);
    }

    /** @param limiter the instance's resilience4j time limiter (its timeout is the instance's time limit) */
    MeteredSynthesizer(SpeechSynthesizer delegate, TimeLimiter limiter, EngineMetrics metrics) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.timeout = limiter.getTimeLimiterConfig().getTimeoutDuration();
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
                    .transformDeferred(TimeLimiterOperator.of(limiter))
                    .onErrorMap(TimeoutException.class, e -> new EngineTimeoutException(EngineRole.TTS, name(), timeout))
                    .doOnSuccess(r -> metrics.record(EngineRole.TTS, name(), start, null))
                    .doOnError(e -> metrics.record(EngineRole.TTS, name(), start, e));
        });
    }
}

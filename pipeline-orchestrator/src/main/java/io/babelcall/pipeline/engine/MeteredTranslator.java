package io.babelcall.pipeline.engine;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.translation.Translator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Time limit and metrics around one translator instance. */
final class MeteredTranslator implements Translator {

    private final Translator delegate;
    private final Duration timeout;
    private final TimeLimiter limiter;
    private final EngineMetrics metrics;

    MeteredTranslator(Translator delegate, Duration timeout, EngineMetrics metrics) {
        this(delegate, TimeLimiter.of(delegate.name(), TimeLimiterConfig.custom().timeoutDuration(timeout).build()),
                metrics);
    }

    /** @param limiter the instance's resilience4j time limiter (its timeout is the instance's time limit) */
    MeteredTranslator(Translator delegate, TimeLimiter limiter, EngineMetrics metrics) {
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
    public Set<TranslationPair> pairs() {
        return delegate.pairs();
    }

    @Override
    public Mono<String> translate(String text, LanguageCode source, LanguageCode target) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return Mono.defer(() -> delegate.translate(text, source, target))
                    .switchIfEmpty(Mono.error(() -> new EngineException("translator '" + name() + "' returned nothing")))
                    .transformDeferred(TimeLimiterOperator.of(limiter))
                    .onErrorMap(TimeoutException.class, e -> new EngineTimeoutException(EngineRole.MT, name(), timeout))
                    .doOnSuccess(r -> metrics.record(EngineRole.MT, name(), start, null))
                    .doOnError(e -> metrics.record(EngineRole.MT, name(), start, e));
        });
    }
}

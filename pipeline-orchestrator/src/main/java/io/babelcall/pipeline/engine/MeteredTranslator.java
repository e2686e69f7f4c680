package io.babelcall.pipeline.engine;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.translation.Translator;
import java.time.Duration;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Time limit and metrics around one translator instance. */
final class MeteredTranslator implements Translator {

    private final Translator delegate;
    private final Duration timeout;
    private final EngineMetrics metrics;

    MeteredTranslator(Translator delegate, Duration timeout, EngineMetrics metrics) {
        this.delegate = delegate;
        this.timeout = timeout;
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
                    .timeout(timeout, Mono.error(() -> new EngineTimeoutException(EngineRole.MT, name(), timeout)))
                    .doOnSuccess(r -> metrics.record(EngineRole.MT, name(), start, null))
                    .doOnError(e -> metrics.record(EngineRole.MT, name(), start, e));
        });
    }
}

package io.babelcall.pipeline.engine;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.translation.Translator;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Circuit breaker, bulkhead and retry ({@link EngineResilience.Guard}) around a metered translator. */
final class ResilientTranslator implements Translator {

    private final Translator delegate;
    private final EngineResilience.Guard guard;

    ResilientTranslator(Translator delegate, EngineResilience.Guard guard) {
        this.delegate = delegate;
        this.guard = guard;
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
        return guard.call(() -> delegate.translate(text, source, target));
    }
}

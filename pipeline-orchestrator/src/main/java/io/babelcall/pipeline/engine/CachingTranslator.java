package io.babelcall.pipeline.engine;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.translation.Translator;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Redis cache in front of a translator: key {@code mt:{sha256(engine fingerprint, source, target, normalised text)}}.
 * Blank text is translated to blank without any call.
 */
final class CachingTranslator implements Translator {

    private final Translator delegate;
    private final String fingerprint;
    private final EngineCache cache;

    CachingTranslator(Translator delegate, String fingerprint, EngineCache cache) {
        this.delegate = delegate;
        this.fingerprint = fingerprint;
        this.cache = cache;
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
        String normalized = EngineCache.normalize(text);
        if (normalized.isEmpty()) {
            return Mono.just("");
        }
        String key = RedisKeys.translationCache(
                EngineCache.hash(fingerprint, source.value(), target.value(), normalized));
        return cache.get("mt", key)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .switchIfEmpty(Mono.defer(() -> delegate.translate(normalized, source, target)
                        .flatMap(result -> cache.put(key, result.getBytes(StandardCharsets.UTF_8),
                                cache.settings().mtTtl()).thenReturn(result))));
    }
}

package io.babelcall.pipeline.engine;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.translation.Translator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A translator as the router hands it out: the Redis cache (if any) in front of the instance's {@link EngineCall}.
 * Cache key {@code mt:{sha256(engine fingerprint, source, target, normalised text)}}; with a cache, blank text is
 * translated to blank without any call.
 */
final class RoutedTranslator implements Translator {

    private final Translator delegate;
    private final EngineCall call;
    private final EngineCache cache;
    private final String fingerprint;

    /** @param cache null for no caching */
    RoutedTranslator(Translator delegate, EngineCall call, EngineCache cache, String fingerprint) {
        this.delegate = delegate;
        this.call = call;
        this.cache = cache;
        this.fingerprint = fingerprint;
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
        if (cache == null) {
            return call.run(() -> delegate.translate(text, source, target));
        }
        String normalized = EngineCache.normalize(text);
        if (normalized.isEmpty()) {
            return Mono.just("");
        }
        String key = RedisKeys.translationCache(
                EngineCache.hash(fingerprint, source.value(), target.value(), normalized));
        return cache.cached("mt", key, cache.settings().mtTtl(),
                bytes -> Optional.of(new String(bytes, StandardCharsets.UTF_8)),
                result -> result.getBytes(StandardCharsets.UTF_8),
                () -> call.run(() -> delegate.translate(normalized, source, target)));
    }
}

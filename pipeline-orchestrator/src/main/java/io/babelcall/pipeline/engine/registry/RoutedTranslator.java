package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.caption.TextSpan;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.engine.resilience.EngineCall;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * A translator as the router hands it out: the Redis cache (if any) in front of the instance's {@link EngineCall}.
 * Cache key {@code mt:{sha256(engine fingerprint, source, target, normalised text, value format)}}, value the
 * translation with its unknown-word spans ({@link #VALUE_FORMAT}): the format is part of the key, so an entry written
 * in another format (a plain text, before unknown words were marked) is never read as this one. With a cache, blank
 * text is translated to blank without any call.
 */
final class RoutedTranslator implements Translator {

    /** "start-end,start-end" (UTF-16 offsets, possibly none), a line feed, then the text; UTF-8. */
    static final String VALUE_FORMAT = "unknown-spans+text/1";
    private static final Pattern SPANS = Pattern.compile("(\\d{1,9}-\\d{1,9}(,\\d{1,9}-\\d{1,9})*)?");

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
        return translateMarked(text, source, target).map(TranslatedText::text);
    }

    @Override
    public Mono<TranslatedText> translateMarked(String text, LanguageCode source, LanguageCode target) {
        if (cache == null) {
            return call.run(() -> delegate.translateMarked(text, source, target));
        }
        String normalized = EngineCache.normalize(text);
        if (normalized.isEmpty()) {
            return Mono.just(TranslatedText.plain(""));
        }
        String key = RedisKeys.translationCache(
                EngineCache.hash(fingerprint, source.value(), target.value(), normalized, VALUE_FORMAT));
        return cache.cached("mt", key, cache.settings().mtTtl(), RoutedTranslator::decode, RoutedTranslator::encode,
                () -> call.run(() -> delegate.translateMarked(normalized, source, target)));
    }

    static byte[] encode(TranslatedText t) {
        String spans = t.unknown().stream().map(s -> s.start() + "-" + s.end()).collect(Collectors.joining(","));
        return (spans + "\n" + t.text()).getBytes(StandardCharsets.UTF_8);
    }

    /** Empty for a value this format cannot read (it is then computed again). */
    static Optional<TranslatedText> decode(byte[] bytes) {
        String value = new String(bytes, StandardCharsets.UTF_8);
        int newline = value.indexOf('\n');
        if (newline < 0 || !SPANS.matcher(value.substring(0, newline)).matches()) {
            return Optional.empty();
        }
        String text = value.substring(newline + 1);
        List<TextSpan> spans = new ArrayList<>();
        try {
            for (String s : newline == 0 ? new String[0] : value.substring(0, newline).split(",")) {
                int dash = s.indexOf('-');
                spans.add(new TextSpan(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1))));
            }
            return Optional.of(new TranslatedText(text, spans));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // a span that does not fit the text
        }
    }
}

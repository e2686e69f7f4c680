package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.engine.resilience.EngineCall;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * A synthesizer as the router hands it out: the Redis cache (if any) in front of the instance's {@link EngineCall}.
 * Cache key {@code tts:{sha256(engine fingerprint, language, voice, normalised text)}}, value the binary WAV; the
 * duration is read back from its header (an unreadable entry is synthesized again).
 */
final class RoutedSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer delegate;
    private final EngineCall call;
    private final EngineCache cache;
    private final String fingerprint;

    /** @param cache null for no caching */
    RoutedSynthesizer(SpeechSynthesizer delegate, EngineCall call, EngineCache cache, String fingerprint) {
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
    public Set<LanguageCode> languages() {
        return delegate.languages();
    }

    @Override
    public Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice) {
        if (cache == null) {
            return call.run(() -> delegate.synthesize(text, language, voice));
        }
        String normalized = EngineCache.normalize(text);
        String key = RedisKeys.synthesisCache(
                EngineCache.hash(fingerprint, language.value(), voice == null ? "" : voice, normalized));
        return cache.cached("tts", key, cache.settings().ttsTtl(),
                wav -> WavFile.tryParse(wav).map(info -> new SynthesizedSpeech(wav, info.duration())),
                SynthesizedSpeech::wav,
                () -> call.run(() -> delegate.synthesize(normalized, language, voice)));
    }
}

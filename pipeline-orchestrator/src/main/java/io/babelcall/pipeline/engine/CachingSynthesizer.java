package io.babelcall.pipeline.engine;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Redis cache in front of a synthesizer: key {@code tts:{sha256(engine fingerprint, language, voice, normalised text)}},
 * value the binary WAV; the duration is read back from its header.
 */
final class CachingSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer delegate;
    private final String fingerprint;
    private final EngineCache cache;

    CachingSynthesizer(SpeechSynthesizer delegate, String fingerprint, EngineCache cache) {
        this.delegate = delegate;
        this.fingerprint = fingerprint;
        this.cache = cache;
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
        String normalized = EngineCache.normalize(text);
        String key = RedisKeys.synthesisCache(
                EngineCache.hash(fingerprint, language.value(), voice == null ? "" : voice, normalized));
        return cache.get("tts", key)
                .flatMap(wav -> Mono.justOrEmpty(WavFile.tryParse(wav))
                        .map(info -> new SynthesizedSpeech(wav, info.duration())))
                .switchIfEmpty(Mono.defer(() -> delegate.synthesize(normalized, language, voice)
                        .flatMap(speech -> cache.put(key, speech.wav(), cache.settings().ttsTtl()).thenReturn(speech))));
    }
}

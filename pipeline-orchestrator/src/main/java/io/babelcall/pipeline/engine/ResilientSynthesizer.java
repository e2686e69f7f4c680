package io.babelcall.pipeline.engine;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Circuit breaker, bulkhead and retry ({@link EngineResilience.Guard}) around a metered synthesizer. */
final class ResilientSynthesizer implements SpeechSynthesizer {

    private final SpeechSynthesizer delegate;
    private final EngineResilience.Guard guard;

    ResilientSynthesizer(SpeechSynthesizer delegate, EngineResilience.Guard guard) {
        this.delegate = delegate;
        this.guard = guard;
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
        return guard.call(() -> delegate.synthesize(text, language, voice));
    }
}

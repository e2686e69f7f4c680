package io.babelcall.pipeline.tts;

import io.babelcall.common.language.LanguageCode;
import java.util.Set;
import reactor.core.publisher.Mono;

/** A text-to-speech engine instance (espeak-ng, OpenAI-compatible, Piper, ...). */
public interface SpeechSynthesizer {

    String name();

    Set<LanguageCode> languages();

    /** Speaks {@code text} in {@code language}; {@code voice} may be null for the engine's default. */
    Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice);
}

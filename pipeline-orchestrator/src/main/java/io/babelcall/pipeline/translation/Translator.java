package io.babelcall.pipeline.translation;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import java.util.Set;
import reactor.core.publisher.Mono;

/** A machine-translation engine instance (Apertium, LibreTranslate, NLLB, VinAI, ...). */
public interface Translator {

    String name();

    /** Directions this instance serves. */
    Set<TranslationPair> pairs();

    /** Translates one normalised sentence; errors and time-outs are signalled on the Mono. */
    Mono<String> translate(String text, LanguageCode source, LanguageCode target);
}

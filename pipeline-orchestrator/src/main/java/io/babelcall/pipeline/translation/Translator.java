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

    /**
     * The same translation with the spans of words the engine did not know and passed through untranslated, so they
     * are shown as such instead of passing for a translation. Engines that mark unknown words override this; the
     * others mark nothing.
     */
    default Mono<TranslatedText> translateMarked(String text, LanguageCode source, LanguageCode target) {
        return translate(text, source, target).map(TranslatedText::plain);
    }
}

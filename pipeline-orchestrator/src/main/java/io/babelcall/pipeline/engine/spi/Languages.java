package io.babelcall.pipeline.engine.spi;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import java.util.Collection;

/** Whether an engine serves a language: engines are matched on the primary language ({@code en} serves {@code en-US}). */
public final class Languages {

    private Languages() {
    }

    public static boolean serves(Collection<LanguageCode> languages, LanguageCode wanted) {
        for (LanguageCode l : languages) {
            if (l.samePrimaryAs(wanted)) {
                return true;
            }
        }
        return false;
    }

    public static boolean serves(Collection<TranslationPair> pairs, LanguageCode source, LanguageCode target) {
        for (TranslationPair p : pairs) {
            if (p.source().samePrimaryAs(source) && p.target().samePrimaryAs(target)) {
                return true;
            }
        }
        return false;
    }
}

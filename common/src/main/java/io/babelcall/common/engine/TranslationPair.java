package io.babelcall.common.engine;

import io.babelcall.common.language.LanguageCode;

/** A translation direction some configured engine serves. */
public record TranslationPair(LanguageCode source, LanguageCode target) {
}

package io.babelcall.pipeline.translation;

import io.babelcall.common.caption.TextSpan;
import java.util.List;

/**
 * A translation with the spans of its text that the engine did not translate because it does not know the words
 * (passed through as they were heard): the pipeline publishes them as the {@code unknown} of the translation event.
 */
public record TranslatedText(String text, List<TextSpan> unknown) {

    public TranslatedText {
        unknown = List.copyOf(unknown);
        for (TextSpan span : unknown) {
            if (span.end() > text.length()) {
                throw new IllegalArgumentException("span " + span + " is outside a text of " + text.length() + " chars");
            }
        }
    }

    /** A translation in which the engine marked nothing (or cannot tell). */
    public static TranslatedText plain(String text) {
        return new TranslatedText(text, List.of());
    }
}

package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.caption.TextSpan;
import io.babelcall.pipeline.translation.TranslatedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Apertium's marks on the words it could not translate, turned into {@link TranslatedText#unknown} spans. With marks on
 * (the generator's {@code -g}; APy's {@code markUnknown=yes}) Apertium writes {@code *word} for a word its analyser does
 * not know and {@code @word} for one its bilingual dictionary lacks, both passed through untranslated, and
 * {@code #word} for a translated word its generator could not inflect. The marks are removed; {@code *} and {@code @}
 * words become spans, {@code #} words stay unflagged (they are translations).
 *
 * <p>A {@code *}, {@code @} or {@code #} of the input would come out looking like a mark (escaping does not survive
 * the pipeline for {@code *} and {@code #}), so they travel as the private-use characters U+E000-U+E002 and are put
 * back afterwards; those three characters in the input become U+FFFD.
 */
final class ApertiumMarks {

    private static final String MARKS = "*@#";
    private static final char PLACEHOLDER = '\uE000';
    private static final char UNFLAGGED = '#';

    private ApertiumMarks() {
    }

    /** The input with literal mark characters replaced by their placeholders. */
    static String protect(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int mark = MARKS.indexOf(c);
            if (mark >= 0) {
                out.append((char) (PLACEHOLDER + mark));
            } else if (c >= PLACEHOLDER && c < PLACEHOLDER + MARKS.length()) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Apertium's marked output (of a protected input) as text without marks plus the unknown words' spans. */
    static TranslatedText parse(String output) {
        StringBuilder text = new StringBuilder(output.length());
        List<TextSpan> unknown = new ArrayList<>();
        int i = 0;
        while (i < output.length()) {
            char c = output.charAt(i);
            if (MARKS.indexOf(c) >= 0) {
                int start = text.length();
                i++;
                while (i < output.length() && isWordPart(output.codePointAt(i))) {
                    int cp = output.codePointAt(i);
                    text.appendCodePoint(cp);
                    i += Character.charCount(cp);
                }
                if (c != UNFLAGGED && text.length() > start) {
                    unknown.add(new TextSpan(start, text.length()));
                }
                continue;
            }
            int placeholder = c - PLACEHOLDER;
            text.append(placeholder >= 0 && placeholder < MARKS.length() ? MARKS.charAt(placeholder) : c);
            i++;
        }
        return new TranslatedText(text.toString(), unknown);
    }

    /** Letters, digits and combining marks: what Apertium's tokeniser keeps together as one word. */
    private static boolean isWordPart(int cp) {
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}

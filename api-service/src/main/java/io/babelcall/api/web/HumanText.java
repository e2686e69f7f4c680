package io.babelcall.api.web;

import io.babelcall.common.text.UnicodeText;
import java.text.Normalizer;

/**
 * The rules for names people give themselves and their rooms, which everyone else in the call sees. Beyond
 * {@link UnicodeText}'s controls and bidi overrides: a name must show at least one visible letter or digit (no names
 * of zero-width spaces, Hangul fillers, Braille blanks or direction marks), and may not stack more than
 * {@link #MAX_COMBINING_MARKS} combining marks on one character (no "Zalgo" text spilling over other lines). It is
 * stored trimmed and in NFC, so equal-looking names are equal strings and the length limit counts what is shown.
 */
public final class HumanText {

    /** Marks on one base character; real scripts need at most 3 (Tibetan stacks, Vietnamese before NFC). */
    public static final int MAX_COMBINING_MARKS = 4;

    private HumanText() {
    }

    /** What is stored: without blanks (white space, no-break and other space separators) at both ends, in NFC. */
    public static String normalise(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && blank(value.codePointAt(start))) {
            start += Character.charCount(value.codePointAt(start));
        }
        while (end > start && blank(value.codePointBefore(end))) {
            end -= Character.charCount(value.codePointBefore(end));
        }
        return Normalizer.normalize(value.substring(start, end), Normalizer.Form.NFC);
    }

    /**
     * The rule {@code value} breaks, or {@code null}. A value that is empty after {@link #normalise} breaks a rule
     * only when {@code min > 0} (optional names may be blank: no name).
     */
    public static String problem(String value, int min, int max) {
        if (value.codePoints().anyMatch(UnicodeText::isControlOrBidi)) {
            return "must not contain control characters";
        }
        String text = normalise(value);
        if (text.isEmpty()) {
            return min > 0 ? "must not be empty or only whitespace" : null;
        }
        if (text.codePoints().noneMatch(cp -> Character.isLetterOrDigit(cp) && !invisible(cp))) {
            return "must contain at least one visible letter or digit";
        }
        if (stacksTooManyMarks(text)) {
            return "must not stack more than " + MAX_COMBINING_MARKS + " combining marks on one character";
        }
        int length = text.codePointCount(0, text.length());
        if (length < min || length > max) {
            return "must be " + min + " to " + max + " characters after trimming (got " + length + ")";
        }
        return null;
    }

    /** Invisible characters between marks (joiners, selectors) do not end the run: they draw nothing themselves. */
    private static boolean stacksTooManyMarks(String text) {
        int marks = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (combining(cp)) {
                if (++marks > MAX_COMBINING_MARKS) {
                    return true;
                }
            } else if (!invisible(cp)) {
                marks = 0;
            }
        }
        return false;
    }

    private static boolean combining(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean blank(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point set (DerivedCoreProperties.txt: zero-width spaces and joiners, direction
     * marks, variation selectors, the Hangul fillers that are classed as letters, tags...) plus U+2800 BRAILLE
     * PATTERN BLANK, which renders as a space.
     */
    static boolean invisible(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160
                || cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F)
                || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F)
                || cp == 0x2800 || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0
                || (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3)
                || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }
}

package io.babelcall.common.text;

/**
 * Checks on text that arrives from clients. A JSON string may spell an unpaired UTF-16 surrogate as an escape
 * ({@code "\ud800"}): Java keeps it, but no UTF-8 encoder can write it, so one such string would break every socket
 * or store it is written to. Controls and bidi overrides are harmless to encode but can disguise what others read.
 */
public final class UnicodeText {

    /** What a lone surrogate becomes when text has to be repaired rather than refused. */
    public static final char REPLACEMENT = '\uFFFD';

    private UnicodeText() {
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1 when {@code s} is well-formed UTF-16. */
    public static int firstUnpairedSurrogate(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    /** True when every surrogate in {@code s} is part of a pair, so the text can be encoded as UTF-8. */
    public static boolean isWellFormed(CharSequence s) {
        return firstUnpairedSurrogate(s) < 0;
    }

    /** {@code s} itself when well-formed (no copy), else a copy with each unpaired surrogate replaced by U+FFFD. */
    public static String toWellFormed(String s) {
        int first = firstUnpairedSurrogate(s);
        if (first < 0) {
            return s;
        }
        char[] out = s.toCharArray();
        for (int i = first, n = out.length; i < n; i++) {
            char c = out[i];
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(out[i + 1])) {
                i++;
            } else {
                out[i] = REPLACEMENT;
            }
        }
        return new String(out);
    }

    /**
     * True when {@code s} is well-formed and has no control characters but tab, CR and LF: what a protocol text field
     * (an SDP body, an ICE candidate) may hold. One pass, no allocation: it runs on the relay hot path.
     */
    public static boolean isPrintableText(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (c != '\t' && c != '\r' && c != '\n') {
                    return false;
                }
            } else if (c >= 0x7F && c <= 0x9F) {
                return false;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * C0 and C1 controls (NUL included), line and paragraph separators, bidi embeddings, overrides and isolates
     * (which can reverse how the rest of a line reads), and the noncharacters U+FFFE/U+FFFF.
     */
    public static boolean isControlOrBidi(int cp) {
        return Character.getType(cp) == Character.CONTROL
                || cp == 0x2028 || cp == 0x2029
                || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0xFFFE || cp == 0xFFFF;
    }

    /**
     * {@code s} without the characters {@link #isControlOrBidi} names, except line feeds and tabs when
     * {@code keepLineBreaks} (a chat line may have several lines); CR LF becomes LF. Returns {@code s} itself when
     * nothing is removed.
     */
    public static String stripControls(String s, boolean keepLineBreaks) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            if (isControlOrBidi(cp) && !(keepLineBreaks && (cp == '\n' || cp == '\t'))) {
                break;
            }
            i += Character.charCount(cp);
        }
        if (i == n) {
            return s;
        }
        StringBuilder out = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (!isControlOrBidi(cp) || (keepLineBreaks && (cp == '\n' || cp == '\t'))) {
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }
}

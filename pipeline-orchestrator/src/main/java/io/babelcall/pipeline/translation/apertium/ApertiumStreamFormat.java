package io.babelcall.pipeline.translation.apertium;

import java.util.regex.Pattern;

/**
 * Plain text to and from the Apertium stream format, as {@code apertium-destxt}/{@code apertium-retxt} do for one
 * sentence: reserved characters are backslash-escaped, line breaks become spaces, and the block ends with
 * {@code ".[]"}, which makes the tagger flush at once in null-flush mode; the same suffix is stripped from the output.
 */
final class ApertiumStreamFormat {

    private static final String RESERVED = "\\[]^$/@<>{}";
    private static final String END = ".[]";
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private ApertiumStreamFormat() {
    }

    static String deformat(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || Character.isISOControl(c)) {
                out.append(' ');
            } else {
                if (RESERVED.indexOf(c) >= 0) {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.append(END).toString();
    }

    static String reformat(String output) {
        String s = output;
        if (s.endsWith(END)) {
            s = s.substring(0, s.length() - END.length());
        } else if (s.endsWith("[]")) {
            s = s.substring(0, s.length() - 2);
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                out.append(s.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return SPACES.matcher(out).replaceAll(" ").trim();
    }
}

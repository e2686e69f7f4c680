package io.babelcall.pipeline.translation.apertium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One translation direction from an installed {@code .mode} file ({@code eng-spa.mode}): the shell pipeline split
 * into commands, each put in null-flush mode ({@code -z}) like APy does, with {@code $1} = {@code -g} (unknown words
 * marked, as APy's {@code markUnknown=yes}; {@link ApertiumMarks} turns the marks into spans) and {@code $2} (tagger
 * option) dropped.
 */
record ApertiumMode(String name, String source, String target, List<List<String>> commands) {

    private static final Pattern BASE_MODE = Pattern.compile("([a-z]{2,3}(?:_[A-Za-z]{2})?)-([a-z]{2,3}(?:_[A-Za-z]{2})?)");
    private static final Pattern NO_Z = Pattern.compile("(vislcg3|cg-mwesplit|hfst-tokeni[sz]e|divvun-suggest)");

    /** Whether {@code name} is a plain direction ({@code eng-spa}, {@code spa-eng_US}), not a debug or variant mode. */
    static boolean isDirection(String name) {
        return BASE_MODE.matcher(name).matches();
    }

    static ApertiumMode read(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.mode$", "");
        var m = BASE_MODE.matcher(name);
        if (!m.matches()) {
            throw new IOException("not a translation direction: " + name);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            throw new IOException("empty mode file " + file);
        }
        List<List<String>> commands = new ArrayList<>();
        for (String part : splitOutsideQuotes(text, '|')) {
            List<String> words = new ArrayList<>();
            for (String w : words(part)) {
                if (w.equals("$1")) {
                    words.add("-g");
                } else if (!w.equals("$2")) {
                    words.add(w);
                }
            }
            if (words.isEmpty()) {
                throw new IOException("empty command in " + file);
            }
            if (!NO_Z.matcher(Path.of(words.get(0)).getFileName().toString()).matches()) {
                words.add(1, "-z");
            }
            commands.add(List.copyOf(words));
        }
        return new ApertiumMode(name, m.group(1), m.group(2), List.copyOf(commands));
    }

    private static List<String> splitOutsideQuotes(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                cur.append(c);
            } else if (c == separator) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** Shell-like words: white space separates, single and double quotes group (no expansions in mode files). */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}

package io.babelcall.pipeline.transcript;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WebVTT file rules a player enforces (W3C WebVTT, sections 4.1 and 6), for the exports this service writes:
 * the {@code WEBVTT} signature, blocks separated by blank lines, cue identifiers without {@code -->}, timings with
 * minutes and seconds below 60 and an end after the start, cues in non-decreasing start order, payloads without
 * {@code -->} and without stray {@code <} or {@code &} (only {@code <v ...>} voice spans and the amp, lt, gt, nbsp,
 * lrm and rlm character references). Returns every violation, empty when the file is valid.
 */
final class WebVttValidator {

    private static final String TIME = "(?:(\\d{2,}):)?([0-5]\\d):([0-5]\\d)\\.(\\d{3})";
    private static final Pattern TIMING = Pattern.compile(TIME + "[ \\t]+-->[ \\t]+" + TIME + "(?:[ \\t].*)?");
    private static final Pattern VOICE = Pattern.compile("<v(?:\\.[^ \\t>]+)*[ \\t]+[^>]+>|</v>");
    private static final Pattern ESCAPE = Pattern.compile("&(?:amp|lt|gt|nbsp|lrm|rlm);");

    private WebVttValidator() {
    }

    static List<String> violations(String file) {
        List<String> out = new ArrayList<>();
        String[] blocks = file.replace("\r\n", "\n").split("\n\n+", -1);
        if (!blocks[0].equals("WEBVTT") && !blocks[0].matches("WEBVTT[ \\t][^\\n]*")) {
            out.add("no WEBVTT signature line: " + blocks[0]);
        }
        long lastStart = -1;
        for (int b = 1; b < blocks.length; b++) {
            if (blocks[b].isEmpty()) {
                continue; // the file's last line break
            }
            String[] lines = blocks[b].split("\n", -1);
            int timingLine = lines[0].contains("-->") ? 0 : 1;
            if (timingLine == 1 && lines.length < 2) {
                out.add("block " + b + " has no timing line");
                continue;
            }
            Matcher m = TIMING.matcher(lines[timingLine]);
            if (!m.matches()) {
                out.add("block " + b + ": bad timing line '" + lines[timingLine] + "'");
                continue;
            }
            long start = millis(m, 1);
            long end = millis(m, 5);
            if (end <= start) {
                out.add("block " + b + ": end " + end + " ms not after start " + start + " ms");
            }
            if (start < lastStart) {
                out.add("block " + b + ": starts at " + start + " ms, before the cue before it (" + lastStart + " ms)");
            }
            lastStart = start;
            for (int i = timingLine + 1; i < lines.length; i++) {
                String text = lines[i];
                if (text.contains("-->")) {
                    out.add("block " + b + ": payload contains -->");
                }
                String rest = ESCAPE.matcher(VOICE.matcher(text).replaceAll("")).replaceAll("");
                if (rest.indexOf('<') >= 0 || rest.indexOf('&') >= 0) {
                    out.add("block " + b + ": unescaped < or & in '" + text + "'");
                }
            }
        }
        return out;
    }

    private static long millis(Matcher m, int group) {
        long h = m.group(group) == null ? 0 : Long.parseLong(m.group(group));
        return ((h * 60 + Long.parseLong(m.group(group + 1))) * 60 + Long.parseLong(m.group(group + 2))) * 1000
                + Long.parseLong(m.group(group + 3));
    }
}

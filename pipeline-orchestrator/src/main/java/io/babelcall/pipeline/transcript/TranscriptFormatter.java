package io.babelcall.pipeline.transcript;

import io.babelcall.common.language.LanguageCode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a transcript as JSON, WebVTT or SubRip. Utterances come out in the order they started (the stream holds them
 * in the order their finals came, which differs when speakers overlap: WebVTT requires cues ordered by start time),
 * times relative to the start of the first utterance. With a language, each cue carries the text in that language (the original when it was spoken in it, else its translation,
 * else the original as a fallback, flagged {@code translated:false} in JSON).
 */
public final class TranscriptFormatter {

    /** JSON document of the export. */
    public record Export(String roomId, LanguageCode language, List<Item> utterances) {
    }

    /** One utterance in the export; {@code startMs}/{@code endMs} relative to the first utterance. */
    public record Item(String utteranceId, String speaker, String speakerName, LanguageCode language, String text,
                       Map<String, String> translations, String caption, Boolean translated,
                       long startMs, long endMs, Instant startedAt, Instant endOfSpeechAt) {
    }

    private TranscriptFormatter() {
    }

    public static Export json(String roomId, List<TranscriptEntry> stored, LanguageCode lang) {
        List<TranscriptEntry> entries = byStart(stored);
        Instant origin = origin(entries);
        List<Item> items = new ArrayList<>(entries.size());
        for (TranscriptEntry e : entries) {
            Map<String, String> translations = e.translations() == null ? Map.of() : e.translations();
            String caption = null;
            Boolean translated = null;
            if (lang != null) {
                Map<String, String> only = new LinkedHashMap<>();
                translations.forEach((k, v) -> {
                    if (LanguageCode.of(k).samePrimaryAs(lang)) {
                        only.put(k, v);
                    }
                });
                translations = only;
                String in = e.textIn(lang);
                translated = in != null;
                caption = in != null ? in : e.text();
            }
            items.add(new Item(e.utteranceId(), e.speaker(), e.speakerName(), e.language(), e.text(), translations,
                    caption, translated, millis(origin, e.startedAt()), endMillis(origin, e), e.startedAt(),
                    e.endOfSpeechAt()));
        }
        return new Export(roomId, lang, items);
    }

    public static String vtt(List<TranscriptEntry> stored, LanguageCode lang) {
        List<TranscriptEntry> entries = byStart(stored);
        Instant origin = origin(entries);
        StringBuilder out = new StringBuilder("WEBVTT\n\n");
        int n = 1;
        for (TranscriptEntry e : entries) {
            out.append(n++).append('\n')
                    .append(timestamp(millis(origin, e.startedAt()), '.')).append(" --> ")
                    .append(timestamp(endMillis(origin, e), '.')).append('\n')
                    .append("<v ").append(vttEscape(e.speakerName())).append('>')
                    .append(vttEscape(oneLine(text(e, lang)))).append("\n\n");
        }
        return out.toString();
    }

    public static String srt(List<TranscriptEntry> stored, LanguageCode lang) {
        List<TranscriptEntry> entries = byStart(stored);
        Instant origin = origin(entries);
        StringBuilder out = new StringBuilder();
        int n = 1;
        for (TranscriptEntry e : entries) {
            out.append(n++).append('\n')
                    .append(timestamp(millis(origin, e.startedAt()), ',')).append(" --> ")
                    .append(timestamp(endMillis(origin, e), ',')).append('\n')
                    .append(oneLine(e.speakerName())).append(": ").append(oneLine(text(e, lang))).append("\n\n");
        }
        return out.toString();
    }

    /** {@code HH:MM:SS.mmm} (VTT, separator '.') or {@code HH:MM:SS,mmm} (SRT, separator ','). */
    static String timestamp(long millis, char separator) {
        long h = millis / 3_600_000;
        long m = millis / 60_000 % 60;
        long s = millis / 1000 % 60;
        long ms = millis % 1000;
        return String.format("%02d:%02d:%02d%c%03d", h, m, s, separator, ms);
    }

    private static String text(TranscriptEntry e, LanguageCode lang) {
        String in = e.textIn(lang);
        return in != null ? in : e.text();
    }

    /** By start time, then end of speech; stable, so equal times keep the order their finals came in. */
    static List<TranscriptEntry> byStart(List<TranscriptEntry> entries) {
        return entries.stream()
                .sorted(Comparator.comparing(TranscriptEntry::startedAt).thenComparing(TranscriptEntry::endOfSpeechAt))
                .toList();
    }

    private static Instant origin(List<TranscriptEntry> entries) {
        return entries.stream().map(TranscriptEntry::startedAt).min(Instant::compareTo).orElse(Instant.EPOCH);
    }

    private static long millis(Instant origin, Instant t) {
        return Math.max(0, Duration.between(origin, t).toMillis());
    }

    /** A cue ends at the end of speech, and at least 1 ms after it starts (players reject empty cues). */
    private static long endMillis(Instant origin, TranscriptEntry e) {
        long start = millis(origin, e.startedAt());
        return Math.max(start + 1, millis(origin, e.endOfSpeechAt()));
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
    }

    private static String vttEscape(String s) {
        return oneLine(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

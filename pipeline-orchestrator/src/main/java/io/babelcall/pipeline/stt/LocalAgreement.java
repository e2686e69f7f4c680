package io.babelcall.pipeline.stt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stable-prefix policy for interim results of an engine that re-transcribes the growing utterance (local agreement
 * of consecutive hypotheses, as in whisper_streaming): a word is committed once two (or more, as configured)
 * consecutive hypotheses agree on it and on everything before it, and the newest goes on past it (the last word heard may be a word still being
 * spoken: "to" that becomes "tomorrow"); committed words are never withdrawn or changed. Interims show only the committed
 * prefix, so they grow and never flicker ({@link #update}), or the committed prefix followed by the rest of the newest
 * hypothesis as a tentative tail ({@link #show}: streaming recognisers, whose hypotheses are cheap). Words are compared
 * without case and punctuation. One instance per utterance; not thread-safe (its owner serialises the calls).
 */
public final class LocalAgreement {

    private final List<String> committed = new ArrayList<>();
    /** The hypotheses before the newest that must agree with it, oldest first. */
    private final java.util.ArrayDeque<List<String>> previous = new java.util.ArrayDeque<>();
    private final int agreeing;

    /** Two consecutive hypotheses must agree on a word. */
    public LocalAgreement() {
        this(2);
    }

    /** {@code agreeing} consecutive hypotheses (at least 2) must agree on a word. */
    public LocalAgreement(int agreeing) {
        if (agreeing < 2) {
            throw new IllegalArgumentException("agreeing must be at least 2, was " + agreeing);
        }
        this.agreeing = agreeing;
    }

    /**
     * What an interim shows: {@code text} starts with the committed words (its first {@code stableChars} characters,
     * UTF-16 code units), then the newest hypothesis's words after as many words, which may still change.
     */
    public record Shown(String text, int stableChars, boolean grew) {

        /** The committed prefix of {@link #text}. */
        public String stable() {
            return text.substring(0, stableChars);
        }
    }

    /** Feeds the next hypothesis; returns the committed prefix when it grew, else null. */
    public String update(String hypothesis) {
        return commit(words(hypothesis)) ? committed() : null;
    }

    /** Feeds the next hypothesis and returns what to show for it. */
    public Shown show(String hypothesis) {
        List<String> words = words(hypothesis);
        boolean grew = commit(words);
        String stable = committed();
        if (words.size() <= committed.size()) {
            return new Shown(stable, stable.length(), grew);
        }
        String tail = String.join(" ", words.subList(committed.size(), words.size()));
        return new Shown(stable.isEmpty() ? tail : stable + " " + tail, stable.length(), grew);
    }

    private boolean commit(List<String> words) {
        int before = committed.size();
        if (previous.size() == agreeing - 1 && startsWithCommitted(words)
                && previous.stream().allMatch(this::startsWithCommitted)) {
            int n = words.size();
            for (List<String> earlier : previous) {
                int agreed = before;
                while (agreed < n && agreed < earlier.size() && key(words.get(agreed)).equals(key(earlier.get(agreed)))) {
                    agreed++;
                }
                n = agreed;
            }
            if (n == words.size() && n > before) {
                n--; // the newest hypothesis ends on it: a word still being spoken ("to" becoming "tomorrow")
            }
            for (int i = before; i < n; i++) {
                committed.add(words.get(i));
            }
        }
        previous.addLast(words);
        if (previous.size() > agreeing - 1) {
            previous.removeFirst();
        }
        return committed.size() > before;
    }

    /** The committed prefix so far (empty at first). */
    public String committed() {
        return String.join(" ", committed);
    }

    private boolean startsWithCommitted(List<String> words) {
        if (words.size() < committed.size()) {
            return false;
        }
        for (int i = 0; i < committed.size(); i++) {
            if (!key(words.get(i)).equals(key(committed.get(i)))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String w : text.strip().split("\\s+", -1)) {
            if (!w.isEmpty() && !key(w).isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** The words of {@code text} as this policy compares them: lowercase, without punctuation. */
    public static List<String> keys(String text) {
        List<String> out = new ArrayList<>();
        for (String w : words(text)) {
            out.add(key(w));
        }
        return out;
    }

    private static String key(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}\\p{IsPunctuation}]", "");
    }
}

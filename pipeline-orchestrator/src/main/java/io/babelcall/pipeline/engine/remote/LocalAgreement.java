package io.babelcall.pipeline.engine.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stable-prefix policy for interim results of an engine that re-transcribes the growing utterance (local agreement
 * of two consecutive hypotheses, as in whisper_streaming): a word is committed once two consecutive hypotheses agree
 * on it and on everything before it; committed words are never withdrawn or changed. Interims show only the committed
 * prefix, so they grow and never flicker. Words are compared without case and punctuation. One instance per
 * utterance; not thread-safe (one interim request in flight at a time).
 */
public final class LocalAgreement {

    private final List<String> committed = new ArrayList<>();
    private List<String> previous;

    /** Feeds the next hypothesis; returns the committed prefix when it grew, else null. */
    public String update(String hypothesis) {
        List<String> words = words(hypothesis);
        int before = committed.size();
        if (previous != null && startsWithCommitted(words) && startsWithCommitted(previous)) {
            int n = before;
            while (n < words.size() && n < previous.size() && key(words.get(n)).equals(key(previous.get(n)))) {
                n++;
            }
            for (int i = before; i < n; i++) {
                committed.add(words.get(i));
            }
        }
        previous = words;
        return committed.size() > before ? String.join(" ", committed) : null;
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

    private static String key(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}\\p{IsPunctuation}]", "");
    }
}

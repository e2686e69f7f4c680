package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.stt.LocalAgreement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How steady interims are, from the transcript events one room saw: per utterance, in seq order, how often an update
 * rewrote words already on screen (any word of the previous interim changed or went away; the "48 %"), how
 * often words shown as stable changed, and how often the final does not start with the last stable prefix. Words are
 * compared without case and punctuation, as the stable-prefix policy compares them.
 */
record InterimStability(int updates, int rewrites, int stableChanges, int utterances, int finalsOffStable,
                        int finalWords, int stableWords, List<String> examples) {

    static InterimStability of(List<Transcript> events) {
        Map<String, List<Transcript>> byUtterance = new LinkedHashMap<>();
        events.stream().sorted(Comparator.comparingLong(Transcript::seq))
                .forEach(t -> byUtterance.computeIfAbsent(t.utteranceId(), k -> new ArrayList<>()).add(t));
        int updates = 0;
        int rewrites = 0;
        int stableChanges = 0;
        int utterances = 0;
        int finalsOffStable = 0;
        int finalWords = 0;
        int stableWords = 0;
        List<String> examples = new ArrayList<>();
        for (List<Transcript> u : byUtterance.values()) {
            List<String> shown = null;
            List<String> stable = List.of();
            Transcript fin = null;
            for (Transcript t : u) {
                if (t.isFinal()) {
                    fin = t;
                    continue;
                }
                List<String> words = words(t.text());
                List<String> nowStable = t.stable() == null ? List.of() : words(t.text().substring(0, t.stable()));
                if (shown != null) {
                    updates++;
                    if (!startsWith(words, shown)) {
                        rewrites++;
                    }
                    if (!startsWith(nowStable, stable)) {
                        stableChanges++;
                    }
                }
                shown = words;
                stable = nowStable;
            }
            if (fin != null && shown != null) {
                utterances++;
                // how much of the final had been shown as stable (an empty prefix trivially "starts" every final)
                finalWords += words(fin.text()).size();
                stableWords += Math.min(stable.size(), words(fin.text()).size());
                if (!startsWith(words(fin.text()), stable)) {
                    finalsOffStable++;
                    examples.add("stable \"" + String.join(" ", stable) + "\" -> final \"" + fin.text() + "\"");
                }
            }
        }
        return new InterimStability(updates, rewrites, stableChanges, utterances, finalsOffStable, finalWords,
                stableWords, examples);
    }

    InterimStability plus(InterimStability o) {
        List<String> all = new ArrayList<>(examples);
        all.addAll(o.examples);
        return new InterimStability(updates + o.updates, rewrites + o.rewrites, stableChanges + o.stableChanges,
                utterances + o.utterances, finalsOffStable + o.finalsOffStable, finalWords + o.finalWords,
                stableWords + o.stableWords, all);
    }

    String describe() {
        return String.format(Locale.ROOT, "interim updates %d: rewrote words on screen %.1f %%, changed stable words "
                        + "%.1f %%; utterances with interims %d: final not starting with the last stable prefix %.1f %%; "
                        + "final's words shown as stable before it %.1f %%",
                updates, pct(rewrites, updates), pct(stableChanges, updates), utterances,
                pct(finalsOffStable, utterances), pct(stableWords, finalWords)) + examples.stream().limit(8).map(e -> "\n    " + e)
                .reduce("", String::concat);
    }

    private static double pct(int n, int of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }

    private static boolean startsWith(List<String> words, List<String> prefix) {
        return words.size() >= prefix.size() && words.subList(0, prefix.size()).equals(prefix);
    }

    private static List<String> words(String text) {
        return LocalAgreement.keys(text);
    }
}

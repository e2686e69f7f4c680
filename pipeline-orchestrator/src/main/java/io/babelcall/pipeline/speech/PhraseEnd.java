package io.babelcall.pipeline.speech;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.stt.LocalAgreement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the recogniser has heard a complete phrase when the speaker falls silent, so the utterance may end after the
 * short {@code babelcall.vad.early-hangover} instead of the full hangover (the adaptive endpoint). Complete means: the
 * newest hypothesis, given well after the silence began (its audio reaches into the silence), has the same words as
 * the one before it - no word was still being spoken or decoded -, and does not end on a word that cannot end a sentence
 * ("the", "to", "and": the speaker is mid-phrase, looking for the next word). A speculative final worked out in this
 * silence ({@link #heardFinal}) stands for both hypotheses: it is the recogniser's last word on the audio so far (its
 * second pass, which may differ from the interims before it: comparing the two kept the full hangover for the very
 * sentences it had got right). An engine that gives neither interims nor speculative finals never allows it. Fed
 * from recogniser callbacks and asked from the audio thread: synchronized.
 */
final class PhraseEnd {

    private static final Logger log = LoggerFactory.getLogger(PhraseEnd.class);

    /** A hypothesis counts as heard in the silence only this long after it began (decoding lags the audio a little). */
    static final long DECODE_MARGIN_NANOS = 50_000_000L;
    private static final int KEPT = 16;

    /** Words after which a sentence goes on, per language (others: the stability rule alone). */
    private static final Map<String, Set<String>> CONTINUATIONS = Map.of("en", Set.of(
            // articles, prepositions that are not particles, conjunctions, possessives, subject pronouns, auxiliaries
            // before their verb: a sentence almost never ends on them ("you", "it", "in", "can" often do: not here)
            "a", "an", "the", "to", "of", "and", "or", "but", "for", "with", "from", "by", "about", "at", "into",
            "my", "your", "our", "their", "his", "its", "is", "are", "was", "were", "be", "i", "we", "they", "he",
            "she", "if", "because", "so", "than", "as", "very", "would", "could", "should", "shall", "must", "which",
            "whose"));

    private record Heard(long nanos, List<String> words) {
    }

    private final Set<String> continuations;
    private final Deque<Heard> heard = new ArrayDeque<>();
    /** The newest speculative final of this utterance; null when none. */
    private Heard tentative;

    PhraseEnd(LanguageCode language) {
        this.continuations = CONTINUATIONS.getOrDefault(language.value().split("-", 2)[0], Set.of());
    }

    /** A new utterance: what was heard before belongs to the last one. */
    synchronized void reset() {
        heard.clear();
        tentative = null;
    }

    /** The speculative final of the current utterance, worked out at a pause and received at {@code nanos}. */
    synchronized void heardFinal(String text, long nanos) {
        tentative = new Heard(nanos, LocalAgreement.keys(text));
    }

    /** The recogniser's hypothesis of the current utterance, received at {@code nanos}. */
    synchronized void heard(String hypothesis, long nanos) {
        if (heard.size() == KEPT) {
            heard.removeFirst();
        }
        heard.addLast(new Heard(nanos, LocalAgreement.keys(hypothesis)));
    }

    /** Whether the utterance is complete, the speaker silent since {@code silenceNanos}. */
    synchronized boolean complete(long silenceNanos) {
        if (tentative != null && tentative.nanos() >= silenceNanos) { // worked out in this silence
            log.debug("silence {} ms: speculative final {}", (System.nanoTime() - silenceNanos) / 1_000_000,
                    tentative.words());
            return endsLikeASentence(tentative.words());
        }
        if (heard.size() < 2) {
            return false;
        }
        var older = heard.descendingIterator();
        Heard newest = older.next();
        Heard previous = older.next();
        if (log.isDebugEnabled()) {
            log.debug("silence {} ms: newest {} at +{} ms, previous {} at +{} ms", (System.nanoTime() - silenceNanos)
                    / 1_000_000, newest.words(), (newest.nanos() - silenceNanos) / 1_000_000, previous.words(),
                    (previous.nanos() - silenceNanos) / 1_000_000);
        }
        // the newest hypothesis reaches into the silence and agrees with the one before it (which may be from just
        // before the silence, or the first in it when the last word was still being decoded as the silence began)
        return newest.nanos() >= silenceNanos + DECODE_MARGIN_NANOS && newest.words().equals(previous.words())
                && endsLikeASentence(newest.words());
    }

    private boolean endsLikeASentence(List<String> words) {
        return !words.isEmpty() && !continuations.contains(words.get(words.size() - 1));
    }
}

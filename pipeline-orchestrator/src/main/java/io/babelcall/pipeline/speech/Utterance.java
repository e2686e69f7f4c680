package io.babelcall.pipeline.speech;

import io.babelcall.pipeline.stt.LocalAgreement;

import java.time.Instant;

/** One utterance of a speaker, from speech start to its final (mutable, owned by its {@link SpeakerPipeline}). */
final class Utterance {

    final String id;
    final Instant startedAt;
    volatile Instant endOfSpeechAt;
    volatile long endOfSpeechNanos;
    /** Whether its audio reaches a recognition session (false when STT is unavailable). */
    volatile boolean recognized;
    volatile String text;
    volatile boolean finalPublished;
    /** An interim of it was published: listeners show a line that needs a final or a status to settle. */
    volatile boolean interimPublished;
    /** Reported as failed or abandoned (once). */
    volatile boolean lost;
    /** Translations started from its newest speculative final; null when none. */
    volatile TranslationFanOut.Speculation speculation;
    /** Its interims' stable prefix (guarded by the recognition driver's lock). */
    final LocalAgreement interims;

    /** {@code stableAgreement}: consecutive hypotheses that must agree on a word before it shows as stable. */
    Utterance(String id, Instant startedAt, int stableAgreement) {
        this.id = id;
        this.startedAt = startedAt;
        this.interims = new LocalAgreement(stableAgreement);
    }
}

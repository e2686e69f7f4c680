package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.stt.LocalAgreement;

/**
 * One speaker's interim captions: the recogniser's newest hypothesis waits for {@code babelcall.pipeline.interim-interval}
 * and is published with its stable prefix (translated interims are made of that prefix only); every hypothesis also
 * feeds the adaptive endpoint ({@link PhraseEnd}). Not thread-safe: {@link RecognitionDriver} calls it under its lock.
 */
final class InterimCaptions {

    private final PipelineServices services;
    private final Speaker speaker;
    private final CaptionSequencer captions;
    private final TranslationFanOut translations;
    private final PhraseEnd phraseEnd;
    private final long intervalNanos;
    private String pending;
    private Utterance pendingFor;
    private long lastNanos = Long.MIN_VALUE / 2;

    InterimCaptions(PipelineServices services, Speaker speaker, CaptionSequencer captions,
                    TranslationFanOut translations, PhraseEnd phraseEnd) {
        this.services = services;
        this.speaker = speaker;
        this.captions = captions;
        this.translations = translations;
        this.phraseEnd = phraseEnd;
        this.intervalNanos = services.pipeline().interimInterval().toNanos();
    }

    /** The recogniser's hypothesis of utterance {@code u}, heard at {@code now}; it replaces one still waiting. */
    void heard(Utterance u, String hypothesis, long now) {
        phraseEnd.heard(hypothesis, now); // every hypothesis, also those never published
        pending = hypothesis;
        pendingFor = u;
    }

    /** The waiting hypothesis will not be shown (its utterance ended, failed or was abandoned). */
    void drop() {
        pending = null;
    }

    /**
     * Publishes the waiting hypothesis if it belongs to {@code current}, no earlier final is awaited and the interval
     * has passed since the last one.
     */
    void publishIfDue(Utterance current, boolean finalAwaited, long now, TranslationFanOut.LiveGate gate) {
        if (pending == null || intervalNanos < 0 || finalAwaited || pendingFor != current
                || now - lastNanos < intervalNanos) {
            return;
        }
        Utterance u = pendingFor;
        String text = services.normalizer().normalize(pending, speaker.language());
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        pending = null;
        lastNanos = now;
        if (text.isEmpty()) {
            return;
        }
        // Words the last stable-agreement interims agreed on are stable (kept by every later interim); translated
        // interims are made of them only, so a translation never shows words the next interim takes back.
        LocalAgreement.Shown shown = u.interims.show(text);
        u.interimPublished = true;
        captions.publish(u.id, s -> new Transcript(speaker.id(), u.id, s, speaker.language(), shown.text(), false, null,
                services.clock().instant(), shown.stableChars()), null);
        if (translations.translatesInterims() && shown.grew()) {
            translations.interim(u, shown.stable(), now, gate);
        }
    }
}

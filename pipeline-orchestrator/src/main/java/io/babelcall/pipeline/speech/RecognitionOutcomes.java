package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Transcript;
import java.time.Instant;

/**
 * What a speaker's listeners are told of each utterance's recognition: its final (then queued for translation), or
 * that none is coming, and the recogniser's state ({@code caption-status} {@code asr}). Called by
 * {@link RecognitionDriver} under its lock; it only queues events.
 */
final class RecognitionOutcomes {

    private static final String ASR = "asr";

    private final PipelineServices services;
    private final Speaker speaker;
    private final CaptionSequencer captions;
    private final TranslationFanOut translations;

    RecognitionOutcomes(PipelineServices services, Speaker speaker, CaptionSequencer captions,
                        TranslationFanOut translations) {
        this.services = services;
        this.speaker = speaker;
        this.captions = captions;
        this.translations = translations;
    }

    /** In utterance order: the final is queued for publication, then its translations and dubs. */
    void publishFinal(Utterance u, String raw) {
        String text = services.normalizer().normalize(raw, speaker.language());
        if (text.isEmpty()) {
            if (u.interimPublished) { // an interim line is on screen that no final will replace
                lost(u, CaptionStatus.ABANDONED, "nothing recognised");
            }
            return; // noise the recogniser made nothing of: no caption
        }
        u.text = text;
        u.finalPublished = true;
        Instant published = services.clock().instant();
        captions.publish(u.id, s -> new Transcript(speaker.id(), u.id, s, speaker.language(), text, true, u.endOfSpeechAt,
                published), () -> services.metrics().eosToTranscript(System.nanoTime() - u.endOfSpeechNanos));
        services.metrics().utterance(speaker.language());
        translations.finalReady(u);
    }

    /**
     * A speculative final of {@code u}, the speaker silent but the endpoint not reached: its translations start now, to
     * be used if the final says the same.
     */
    void tentativeFinal(Utterance u, String raw) {
        if (services.pipeline().speculativeTranslation()) {
            String text = services.normalizer().normalize(raw, speaker.language());
            if (!text.isEmpty()) {
                translations.speculate(u, text);
            }
        }
    }

    /** {@code u} gets no final: listeners are told at once, so they can settle its interim line (once per utterance). */
    void lost(Utterance u, String state, String reason) {
        if (u == null || u.finalPublished || u.lost) {
            return;
        }
        u.lost = true;
        captions.utteranceLost(u.id, state, reason);
    }

    void asrFailed(String reason) {
        captions.state(ASR, null, null, CaptionStatus.ASR_UNAVAILABLE, reason);
    }

    void asrOk() {
        captions.state(ASR, null, null, CaptionStatus.OK, null);
    }
}

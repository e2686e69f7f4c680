package io.babelcall.pipeline.speech;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.pipeline.audio.Endpointer;
import io.babelcall.pipeline.audio.SpeakerRateLimiter;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import java.time.Instant;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * One speaker's stream, after the socket: VAD/endpointing -> recognition -> normalised final -> translations (once per
 * distinct listener caption language) -> dubs (once per distinct dubbing language) -> events on the room's channel and
 * the transcript. Four parts, each with one concurrency mechanism:
 * <ul>
 *   <li>this class - the audio thread: frames into the {@link Endpointer}, utterances and their timing;</li>
 *   <li>{@link RecognitionDriver} - the recognition session, interims and finals, deadlines (one monitor);</li>
 *   <li>{@link TranslationFanOut} - translations, dubs and transcript entries (serial queues on Reactor threads);</li>
 *   <li>{@link CaptionSequencer} - the speaker's seq and the one queue that publishes its events in that order.</li>
 * </ul>
 * Ordering: translations of utterance N+1 are computed only after N's were published, and always follow N's final,
 * which is published as soon as the recogniser delivers it. An engine error or stall degrades to a
 * {@code caption-status} event and never ends the stream.
 *
 * <p>Threads: {@link #accept} and {@link #close} come from the stream's worker, one at a time.
 */
public final class SpeakerPipeline implements Endpointer.Listener {

    private final PipelineServices services;
    private final Speaker speaker;
    private final Endpointer endpointer;
    private final SpeakerRateLimiter.Bucket rate;
    private final RecognitionDriver recognition;
    private final TranslationFanOut translations;
    private final CaptionSequencer captions;
    private final PhraseEnd phraseEnd;

    // audio-thread state
    private long samplesIn;
    private long frameEndSample;
    private long frameArrivalNanos;
    private Instant frameArrivalInstant = Instant.EPOCH;
    private boolean closed;

    /** @param rate the speaker's audio allowance (shared with its other streams); closed with this pipeline */
    public SpeakerPipeline(PipelineServices services, AuthenticatedSpeaker authenticated,
                           SpeakerRateLimiter.Bucket rate) {
        this.services = services;
        this.rate = rate;
        Participant p = authenticated.participant();
        this.speaker = new Speaker(authenticated.roomId(), authenticated.participantId(),
                p != null && p.displayName() != null ? p.displayName() : authenticated.claims().displayName(),
                p != null && p.spokenLanguage() != null ? p.spokenLanguage()
                        : authenticated.claims().spokenLanguage());
        this.captions = new CaptionSequencer(services, speaker);
        this.translations = new TranslationFanOut(services, speaker, captions);
        this.phraseEnd = new PhraseEnd(speaker.language());
        this.recognition = new RecognitionDriver(services, speaker, captions, translations, phraseEnd);
        this.endpointer = new Endpointer(services.vad(), this);
    }

    public LanguageCode language() {
        return speaker.language();
    }

    /**
     * 16 kHz audio of one received frame; {@code arrivalNanos} is {@link System#nanoTime()} at its arrival. Audio beyond
     * the speaker's rate limit throws {@link io.babelcall.pipeline.audio.AudioRejectedException} (too_fast) before it
     * reaches VAD or the recogniser.
     */
    public void accept(short[] samples, long arrivalNanos) {
        if (closed) {
            return;
        }
        rate.take(samples.length, Endpointer.SAMPLE_RATE, arrivalNanos);
        frameArrivalNanos = arrivalNanos;
        // wall-clock time of the frame's arrival (not of its processing, which may lag behind under load)
        frameArrivalInstant = services.clock().instant().minusNanos(Math.max(0, System.nanoTime() - arrivalNanos));
        frameEndSample = samplesIn + samples.length;
        recognition.frameStarting();
        endpointer.accept(samples, 0, samples.length);
        samplesIn = frameEndSample;
        recognition.frameDone(System.nanoTime());
    }

    /** Stream ended (stop, close, replacement or rejection): finalises an utterance in progress, then releases. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rate.close();
        endpointer.flush();
        recognition.close();
    }

    /**
     * Completes after {@link #close}, once the stream's last utterance is done: its final (or the report that none is
     * coming), translations, dubs and transcript entry written, every event published. Shutdown waits for this before
     * Redis closes ({@link PipelineDrain}).
     */
    public Mono<Void> finished() {
        return recognition.released()
                .then(Mono.defer(translations::flushed))
                .then(Mono.defer(captions::flushed));
    }

    public boolean inSpeech() {
        return endpointer.inSpeech();
    }

    @Override
    public void onSpeechStart(long firstSample) {
        phraseEnd.reset();
        recognition.speechStarted(new Utterance(UUID.randomUUID().toString(), instantOf(firstSample),
                services.pipeline().stableAgreement()));
    }

    @Override
    public void onSpeechAudio(short[] samples, int offset, int length) {
        services.directory().prefetch(speaker.roomId());
        recognition.audio(samples, offset, length);
    }

    @Override
    public void onSpeechEnd(Endpointer.EndReason reason, long lastVoicedSample) {
        Utterance u = recognition.takeCurrent();
        if (u == null) {
            return;
        }
        boolean forced = reason == Endpointer.EndReason.FORCED;
        u.endOfSpeechAt = forced ? frameArrivalInstant : instantOf(lastVoicedSample);
        u.endOfSpeechNanos = forced ? frameArrivalNanos : nanosOf(lastVoicedSample);
        recognition.speechEnded(u);
    }

    @Override
    public void speechPaused(long lastVoicedSample) {
        recognition.speechPaused();
    }

    @Override
    public void speechResumed() {
        recognition.speechResumed();
    }

    @Override
    public boolean phraseComplete(long lastVoicedSample) {
        return phraseEnd.complete(nanosOf(lastVoicedSample));
    }

    private Instant instantOf(long sample) {
        long micros = (frameEndSample - sample) * 1_000_000L / Endpointer.SAMPLE_RATE;
        return frameArrivalInstant.minusNanos(micros * 1000);
    }

    private long nanosOf(long sample) {
        return frameArrivalNanos - (frameEndSample - sample) * 1_000_000_000L / Endpointer.SAMPLE_RATE;
    }
}

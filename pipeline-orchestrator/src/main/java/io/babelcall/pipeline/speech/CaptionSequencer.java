package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import reactor.core.publisher.Mono;

/**
 * Puts one speaker's events on the room's channel in order: each event gets the next {@code seq} when it is queued,
 * and one {@link SerialQueue} sends each only after Redis has taken the previous one. Also remembers the state of each
 * capability (asr, mt and tts per language) to announce failures and recoveries as {@code caption-status}.
 *
 * <p>Threads: called from any thread (audio, recogniser callbacks, engine replies); its own monitor makes the seq
 * assignment and the submission one step; the queue's steps run on Lettuce/Reactor threads.
 */
final class CaptionSequencer {

    private final PipelineServices services;
    private final Speaker speaker;
    private final long seqBase;
    private final SerialQueue queue;
    private final Map<String, String> states = new HashMap<>();
    private long seq;

    CaptionSequencer(PipelineServices services, Speaker speaker) {
        this.services = services;
        this.speaker = speaker;
        // Epoch microseconds as the base keeps seq increasing across this speaker's successive streams.
        Instant now = services.clock().instant();
        this.seqBase = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        this.queue = new SerialQueue("publish for " + speaker);
    }

    /**
     * Assigns the next seq and queues the event of {@code utteranceId} (null for none; its logs name it).
     * {@code onPublished} runs when Redis has taken it; a failure is logged by the queue.
     */
    void publish(String utteranceId, LongFunction<CaptionEvent> make, Runnable onPublished) {
        enqueue(utteranceId, make, onPublished, null);
    }

    /**
     * {@link #publish}, and a future that completes once the event is published or failed (a failure is logged by
     * the queue), so nothing waiting on it stalls while Redis is away.
     */
    CompletableFuture<Void> publishAndTrack(String utteranceId, LongFunction<CaptionEvent> make,
                                            Runnable onPublished) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(utteranceId, make, onPublished, done);
        return done;
    }

    private synchronized void enqueue(String utteranceId, LongFunction<CaptionEvent> make, Runnable onPublished,
                                      CompletableFuture<Void> done) {
        CaptionEvent event = make.apply(seqBase + ++seq);
        Mono<Void> send = services.publisher().publish(speaker.roomId(), event);
        Mono<Void> step = onPublished == null ? send : send.doOnSuccess(v -> onPublished.run());
        queue.submit(speaker.ids(utteranceId), done == null ? step : step.doFinally(signal -> done.complete(null)));
    }

    /** Completes once every event queued so far has been published (or failed). */
    Mono<Void> flushed() {
        return queue.barrier();
    }

    /**
     * Records the state of one capability ({@code key}: asr, or mt/tts per language). A failure is announced every
     * time (so a listener who joins later learns of it with the next utterance); recovery once, when it was not ok.
     */
    synchronized void state(String key, String utteranceId, LanguageCode target, String state, String reason) {
        String before = states.put(key, state);
        if (!CaptionStatus.OK.equals(state)) {
            status(utteranceId, state, reason, target);
        } else if (before != null && !CaptionStatus.OK.equals(before)) {
            status(utteranceId, CaptionStatus.OK, "recovered", target);
        }
    }

    /** {@code utteranceId} will get no final ({@link CaptionStatus#FAILED} or {@link CaptionStatus#ABANDONED}). */
    void utteranceLost(String utteranceId, String state, String reason) {
        status(utteranceId, state, reason, null);
    }

    private void status(String utteranceId, String state, String reason, LanguageCode target) {
        publish(utteranceId, s -> new CaptionStatus(speaker.id(), utteranceId, s, state, reason, target,
                services.clock().instant()), null);
    }
}

package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.pipeline.audio.Endpointer;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.support.logging.CallLog;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One speaker's recognition: a recognition session fed the voiced audio of each utterance, its interims (throttled)
 * and finals in utterance order, a deadline per final, and recovery from an engine that fails or stalls (the session
 * is abandoned and a fresh one opened at the next utterance; listeners get {@code caption-status}, the stream goes on).
 *
 * <p>Threads: the audio methods ({@link #frameStarting}, {@link #speechStarted}, {@link #audio}, {@link #speechEnded},
 * {@link #close}) come from the stream's worker, one at a time, and own {@link #session}; recogniser callbacks come
 * from any thread, deadlines from the pipeline's scheduler. The state they share (generation, utterances awaiting a
 * final, the interim captions) is guarded by {@link #lock}; engine calls are never made while holding it, so an engine
 * that calls back from inside a call cannot deadlock. Sessions are closed on Reactor's bounded-elastic threads.
 */
final class RecognitionDriver implements TranslationFanOut.LiveGate {

    private static final Logger log = LoggerFactory.getLogger(RecognitionDriver.class);

    private final PipelineServices services;
    private final Speaker speaker;
    private final InterimCaptions interims;
    private final RecognitionOutcomes outcomes;
    private final PhraseEnd phraseEnd;
    private final Object lock = new Object();

    // audio-thread state
    private RecognitionSession session;
    private volatile Utterance current;

    // shared state, guarded by lock
    private int generation;
    private boolean sessionStale;
    private boolean closing;
    private final Deque<Utterance> awaitingFinal = new ArrayDeque<>();
    /** After {@link #close}: every awaited final came, failed or timed out. */
    private final Sinks.Empty<Void> released = Sinks.empty();

    RecognitionDriver(PipelineServices services, Speaker speaker, CaptionSequencer captions,
                      TranslationFanOut translations, PhraseEnd phraseEnd) {
        this.services = services;
        this.speaker = speaker;
        this.interims = new InterimCaptions(services, speaker, captions, translations, phraseEnd);
        this.outcomes = new RecognitionOutcomes(services, speaker, captions, translations);
        this.phraseEnd = phraseEnd;
    }

    // ------------------------------------------------------------------ audio thread

    /** Before each frame: a session marked stale by a missed deadline is closed here, by the thread that owns it. */
    void frameStarting() {
        boolean stale;
        synchronized (lock) {
            stale = sessionStale;
            sessionStale = false;
        }
        if (stale && session != null) {
            RecognitionSession old = session;
            session = null;
            Utterance u = current;
            if (u != null) {
                u.recognized = false; // its first part went to the abandoned session
            }
            closeLater(old);
        }
    }

    /** After each frame: an interim that waited for its interval may go now. */
    void frameDone(long nowNanos) {
        synchronized (lock) {
            interims.publishIfDue(current, !awaitingFinal.isEmpty(), nowNanos, this);
        }
    }

    void speechStarted(Utterance u) {
        current = u;
        if (session == null) {
            openSession();
        }
        u.recognized = session != null;
    }

    void audio(short[] samples, int offset, int length) {
        Utterance u = current;
        if (u == null || !u.recognized || session == null) {
            return;
        }
        try {
            session.accept(samples, offset, length);
        } catch (RuntimeException e) {
            try (CallLog.Scope ignored = speaker.scope(u)) {
                speaker.warn(log).log("recogniser failed on audio of {} in room {}: {}", speaker.id(),
                        speaker.roomId(), e.toString());
            }
            u.recognized = false;
            String reason = "recognizer error: " + e.getMessage();
            outcomes.asrFailed(reason);
            outcomes.lost(u, CaptionStatus.FAILED, reason);
            abandonSession(reason);
        }
    }

    /** The speaker paused: the session may work out the final ahead of the endpoint. */
    void speechPaused() {
        RecognitionSession s = liveSession();
        if (s != null) {
            s.speechPaused();
        }
    }

    /** The speaker went on after {@link #speechPaused}. */
    void speechResumed() {
        RecognitionSession s = liveSession();
        if (s != null) {
            s.speechResumed();
        }
    }

    /** The session the current utterance's audio goes to; null when none. */
    private RecognitionSession liveSession() {
        Utterance u = current;
        return u != null && u.recognized ? session : null;
    }

    /** The utterance being spoken, which just ended; null when none. Its end-of-speech fields are set by the caller. */
    Utterance takeCurrent() {
        Utterance u = current;
        current = null;
        return u;
    }

    /** {@code u} ended: ask the session for its final, with a deadline. */
    void speechEnded(Utterance u) {
        if (!u.recognized || session == null) {
            if (u.interimPublished) { // its session was dropped mid-utterance (deadline) and nothing will finish it
                outcomes.lost(u, CaptionStatus.ABANDONED, "recognition restarted");
            }
            return;
        }
        int gen;
        synchronized (lock) {
            awaitingFinal.addLast(u);
            gen = generation;
        }
        try {
            session.endUtterance();
        } catch (RuntimeException e) {
            try (CallLog.Scope ignored = speaker.scope(u)) {
                speaker.warn(log).log("recogniser failed at end of utterance of {}: {}", speaker.id(), e.toString());
            }
            String reason = "recognizer error: " + e.getMessage();
            failAwaiting(gen, reason);
            abandonSession(reason);
            return;
        }
        services.deadlines().schedule(() -> recognitionDeadline(u, gen),
                services.pipeline().recognitionTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The stream ended: the session is released once every awaited final came (or at once if none is awaited). */
    void close() {
        boolean closeNow;
        synchronized (lock) {
            closing = true;
            closeNow = awaitingFinal.isEmpty();
        }
        if (closeNow) {
            RecognitionSession old = session;
            session = null;
            synchronized (lock) {
                generation++;
            }
            closeLater(old);
            released.tryEmitEmpty();
        }
    }

    /** Completes after {@link #close}, once no final is awaited any more (each was published or reported failed). */
    Mono<Void> released() {
        return released.asMono();
    }

    private void openSession() {
        Optional<SpeechRecognizer> recognizer = services.engines().recognizerFor(speaker.language());
        if (recognizer.isEmpty()) {
            outcomes.asrFailed("no speech recognizer for " + speaker.language());
            return;
        }
        int gen;
        synchronized (lock) {
            gen = ++generation;
            sessionStale = false;
        }
        try {
            session = recognizer.get().open(new RecognitionRequest(speaker.roomId(), speaker.id(), speaker.language(),
                    Endpointer.SAMPLE_RATE), new Callbacks(gen));
        } catch (RuntimeException e) {
            speaker.warn(log).log("cannot open recognition for {} in room {}: {}", speaker.id(), speaker.roomId(),
                    e.toString());
            outcomes.asrFailed("recognizer unavailable: " + e.getMessage());
            session = null;
        }
    }

    /** Drops the session; the finals it still owed will never come: their utterances are reported failed. */
    private void abandonSession(String reason) {
        synchronized (lock) {
            generation++;
            sessionStale = false;
            failAll(reason);
        }
        RecognitionSession old = session;
        session = null;
        closeLater(old);
        closeIfDone(); // nothing awaited any more: a closing stream is released
    }

    private void closeLater(RecognitionSession old) {
        if (old != null) {
            Schedulers.boundedElastic().schedule(speaker.ids((String) null).wrap(() -> {
                try {
                    old.close();
                } catch (RuntimeException e) {
                    speaker.debug(log).log("closing recognition session: {}", e.toString());
                }
            }));
        }
    }

    // ------------------------------------------------------------------ recogniser callbacks, deadlines

    private final class Callbacks implements RecognitionListener {

        private final int gen;

        Callbacks(int gen) {
            this.gen = gen;
        }

        @Override
        public void onInterim(String text) {
            try (CallLog.Scope ignored = speaker.scope(current)) {
                interim(text);
            }
        }

        private void interim(String text) {
            synchronized (lock) {
                if (gen != generation || text == null || text.isBlank() || !awaitingFinal.isEmpty()) {
                    return; // stale session, or the engine is still finishing an earlier utterance
                }
                Utterance u = current;
                if (u == null) {
                    return;
                }
                long now = System.nanoTime();
                interims.heard(u, text, now);
                interims.publishIfDue(u, false, now, RecognitionDriver.this);
            }
        }

        @Override
        public void onTentativeFinal(String text) {
            synchronized (lock) {
                if (gen == generation && text != null && current != null && awaitingFinal.isEmpty()) {
                    phraseEnd.heardFinal(text, System.nanoTime()); // for the adaptive endpoint; not shown
                    outcomes.tentativeFinal(current, text);
                }
            }
        }

        @Override
        public void onFinal(String text) {
            try (CallLog.Scope ignored = speaker.scope(oldestAwaited())) {
                finished(text);
            }
        }

        @Override
        public void onError(Throwable error) {
            try (CallLog.Scope ignored = speaker.scope(oldestAwaited())) {
                failed(error);
            }
        }

        private void finished(String text) {
            synchronized (lock) {
                if (gen != generation || awaitingFinal.isEmpty()) {
                    return;
                }
                Utterance u = awaitingFinal.pollFirst();
                interims.drop();
                outcomes.asrOk();
                outcomes.publishFinal(u, text == null ? "" : text);
            }
            closeIfDone();
        }

        private void failed(Throwable error) {
            synchronized (lock) {
                if (gen != generation || awaitingFinal.isEmpty()) {
                    return;
                }
                Utterance u = awaitingFinal.pollFirst();
                interims.drop();
                String reason = "recognizer error: " + error.getMessage();
                outcomes.asrFailed(reason);
                outcomes.lost(u, CaptionStatus.FAILED, reason);
            }
            closeIfDone();
        }
    }

    /** The utterance the next final or error is for, to name in the logs of the callback. */
    private Utterance oldestAwaited() {
        synchronized (lock) {
            return awaitingFinal.peekFirst();
        }
    }

    private void recognitionDeadline(Utterance u, int gen) {
        try (CallLog.Scope ignored = speaker.scope(u)) {
            missedDeadline(u, gen);
        }
    }

    private void missedDeadline(Utterance u, int gen) {
        synchronized (lock) {
            if (gen != generation || !awaitingFinal.contains(u)) {
                return;
            }
            speaker.warn(log).log("no final from the recogniser for {} in room {} within {}; opening a fresh session",
                    speaker.id(), speaker.roomId(), services.pipeline().recognitionTimeout());
            generation++;
            sessionStale = true;
            interims.drop();
            outcomes.asrFailed("recognizer timed out");
            failAll("recognizer timed out");
        }
        closeIfDone();
    }

    private void failAwaiting(int gen, String reason) {
        synchronized (lock) {
            outcomes.asrFailed(reason);
            if (gen == generation) {
                failAll(reason);
            }
        }
    }

    /** Every awaited final is given up: each utterance is reported failed. Caller holds lock. */
    private void failAll(String reason) {
        for (Utterance u : awaitingFinal) {
            outcomes.lost(u, CaptionStatus.FAILED, reason);
        }
        awaitingFinal.clear();
    }

    private void closeIfDone() {
        boolean release;
        synchronized (lock) {
            release = closing && awaitingFinal.isEmpty();
        }
        if (release) {
            RecognitionSession old = session;
            session = null;
            closeLater(old);
            released.tryEmitEmpty();
        }
    }

    @Override
    public void publishWhileLive(Utterance u, Runnable publish) {
        synchronized (lock) {
            if (!u.finalPublished && u == current) {
                publish.run();
            }
        }
    }
}

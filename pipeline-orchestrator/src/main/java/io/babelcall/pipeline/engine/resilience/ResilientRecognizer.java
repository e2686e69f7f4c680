package io.babelcall.pipeline.engine.resilience;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

/**
 * Circuit breaker and bulkhead around a (metered) recognizer. The guarded "call" of STT is one utterance: it is
 * admitted at its first audio (breaker permission + bulkhead slot) and ends with its final or error, which is what the
 * breaker records: a time-out from {@link MeteredRecognizer} is a failure, an {@link EngineRejectedException}
 * (overload of the engine or of one stream) is ignored and only gives the permission back. An utterance that is not
 * admitted never reaches the engine: its audio is dropped and its {@code endUtterance()} gets
 * {@code onError(EngineRejectedException)} at once, in utterance order. {@link #open} is refused while the breaker is
 * open, so no connection is made to an engine known to be down (the pipeline then reports {@code asr_unavailable} and
 * tries again at the next utterance). Never retried: streamed audio is not idempotent.
 */
public final class ResilientRecognizer implements SpeechRecognizer {

    private static final Logger log = LoggerFactory.getLogger(ResilientRecognizer.class);

    private final SpeechRecognizer delegate;
    private final EngineResilience.Guard guard;

    public ResilientRecognizer(SpeechRecognizer delegate, EngineResilience.Guard guard) {
        this.delegate = delegate;
        this.guard = guard;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Set<LanguageCode> languages() {
        return delegate.languages();
    }

    @Override
    public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
        if (!guard.breaker().tryAcquirePermission()) {
            throw guard.rejection(CallNotPermittedException.createCallNotPermittedException(guard.breaker()));
        }
        guard.breaker().releasePermission();
        Session session = new Session(listener);
        session.delegate = delegate.open(request, session);
        return session;
    }

    /** One endUtterance's slot: admitted (waiting for the engine) or rejected (answered in order, without the engine). */
    private static final class Pending {
        final boolean admitted;
        final RuntimeException rejection;
        long start;

        Pending(boolean admitted, RuntimeException rejection) {
            this.admitted = admitted;
            this.rejection = rejection;
        }
    }

    private final class Session implements RecognitionSession, RecognitionListener {

        private final RecognitionListener listener;
        private final Deque<Pending> pending = new ArrayDeque<>();
        private volatile RecognitionSession delegate;
        private volatile boolean closed;
        // audio-thread state: the utterance in progress
        private Pending current;

        Session(RecognitionListener listener) {
            this.listener = listener;
        }

        private Pending admit() {
            if (!guard.breaker().tryAcquirePermission()) {
                return new Pending(false, guard.rejection(
                        CallNotPermittedException.createCallNotPermittedException(guard.breaker())));
            }
            if (!guard.bulkhead().tryAcquirePermission()) {
                guard.breaker().releasePermission();
                return new Pending(false, guard.rejection(
                        BulkheadFullException.createBulkheadFullException(guard.bulkhead())));
            }
            return new Pending(true, null);
        }

        @Override
        public void accept(short[] samples, int offset, int length) {
            if (current == null) {
                current = admit();
            }
            if (current.admitted) {
                delegate.accept(samples, offset, length);
            }
        }

        @Override
        public void endUtterance() {
            Pending p = current != null ? current : admit();
            current = null;
            p.start = guard.breaker().getCurrentTimestamp();
            boolean answerNow;
            synchronized (pending) {
                answerNow = !p.admitted && pending.isEmpty();
                if (!answerNow) {
                    pending.addLast(p);
                }
            }
            if (p.admitted) {
                delegate.endUtterance();
            } else if (answerNow) {
                RuntimeException e = p.rejection;
                Schedulers.parallel().schedule(() -> deliver(() -> listener.onError(e)));
            }
        }

        @Override
        public void speechPaused() {
            if (current != null && current.admitted) {
                delegate.speechPaused();
            }
        }

        @Override
        public void speechResumed() {
            if (current != null && current.admitted) {
                delegate.speechResumed();
            }
        }

        @Override
        public void onInterim(String text) {
            deliver(() -> listener.onInterim(text));
        }

        @Override
        public void onTentativeFinal(String text) {
            deliver(() -> listener.onTentativeFinal(text));
        }

        @Override
        public void onFinal(String text) {
            if (complete(null)) {
                deliver(() -> listener.onFinal(text));
            }
            flushRejected();
        }

        @Override
        public void onError(Throwable error) {
            if (complete(error)) {
                deliver(() -> listener.onError(error));
            }
            flushRejected();
        }

        /** Records the engine's result for the oldest admitted utterance; false if there is none (late result). */
        private boolean complete(Throwable error) {
            Pending p;
            synchronized (pending) {
                p = pending.peekFirst();
                if (p == null || !p.admitted) {
                    return false;
                }
                pending.pollFirst();
            }
            long took = guard.breaker().getCurrentTimestamp() - p.start;
            if (error == null) {
                guard.breaker().onSuccess(took, guard.breaker().getTimestampUnit());
            } else {
                guard.breaker().onError(took, guard.breaker().getTimestampUnit(), error);
            }
            guard.bulkhead().onComplete();
            return true;
        }

        /** Answers rejected utterances that were queued behind an admitted one. */
        private void flushRejected() {
            while (true) {
                Pending p;
                synchronized (pending) {
                    p = pending.peekFirst();
                    if (p == null || p.admitted) {
                        return;
                    }
                    pending.pollFirst();
                }
                RuntimeException e = p.rejection;
                deliver(() -> listener.onError(e));
            }
        }

        private void deliver(Runnable callback) {
            if (closed) {
                return;
            }
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.warn("recognition listener failed: {}", e.toString());
            }
        }

        @Override
        public void close() {
            closed = true;
            // Utterances that never got their result give back their permits (not counted as calls).
            if (current != null && current.admitted) {
                release();
            }
            current = null;
            synchronized (pending) {
                for (Pending p : pending) {
                    if (p.admitted) {
                        release();
                    }
                }
                pending.clear();
            }
            delegate.close();
        }

        private void release() {
            guard.breaker().releasePermission();
            guard.bulkhead().onComplete();
        }
    }
}

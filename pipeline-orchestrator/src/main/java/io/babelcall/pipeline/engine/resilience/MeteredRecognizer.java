package io.babelcall.pipeline.engine.resilience;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Time limit and metrics around a recognizer: the "call" of STT is end of utterance -> final. When the engine does not
 * deliver the final within the limit, the listener gets {@code onError(EngineTimeoutException)} and the late final of
 * that utterance is dropped, so the pipeline still sees exactly one result per utterance.
 */
public final class MeteredRecognizer implements SpeechRecognizer {

    private static final Logger log = LoggerFactory.getLogger(MeteredRecognizer.class);

    private final SpeechRecognizer delegate;
    private final Duration timeout;
    private final EngineMetrics metrics;
    private final TimeLimiter limiter;

    public MeteredRecognizer(SpeechRecognizer delegate, Duration timeout, EngineMetrics metrics) {
        this(delegate, timeout, metrics, null);
    }

    /** @param limiter the instance's resilience4j time limiter, only told the outcomes (for its metrics); may be null */
    public MeteredRecognizer(SpeechRecognizer delegate, Duration timeout, EngineMetrics metrics, TimeLimiter limiter) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.metrics = metrics;
        this.limiter = limiter;
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
        Session session = new Session(listener);
        session.delegate = delegate.open(request, session);
        return session;
    }

    private final class Session implements RecognitionSession, RecognitionListener {

        private final RecognitionListener listener;
        private final Deque<Pending> pending = new ArrayDeque<>();
        private volatile RecognitionSession delegate;
        private volatile boolean closed;

        Session(RecognitionListener listener) {
            this.listener = listener;
        }

        @Override
        public void accept(short[] samples, int offset, int length) {
            delegate.accept(samples, offset, length);
        }

        @Override
        public void endUtterance() {
            Pending p = new Pending(System.nanoTime());
            p.timer = Schedulers.parallel().schedule(() -> expire(p), timeout.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (pending) {
                pending.addLast(p);
            }
            delegate.endUtterance();
        }

        private void expire(Pending p) {
            synchronized (pending) {
                if (p.done) {
                    return;
                }
                p.done = true; // stays queued so the late result is matched to it and dropped
            }
            EngineTimeoutException e = new EngineTimeoutException(EngineRole.STT, name(), timeout);
            metrics.record(EngineRole.STT, name(), p.start, e);
            if (limiter != null) {
                limiter.onError(new java.util.concurrent.TimeoutException(e.getMessage()));
            }
            deliver(() -> listener.onError(e));
        }

        /** The oldest utterance still waiting for its result; null when the result belongs to a timed-out one. */
        private Pending complete() {
            synchronized (pending) {
                Pending p = pending.pollFirst();
                if (p == null) {
                    return null;
                }
                if (p.done) {
                    return null;
                }
                p.done = true;
                p.timer.dispose();
                return p;
            }
        }

        @Override
        public void speechPaused() {
            delegate.speechPaused();
        }

        @Override
        public void speechResumed() {
            delegate.speechResumed();
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
            Pending p = complete();
            if (p == null) {
                log.debug("dropping late final of engine '{}'", name());
                return;
            }
            metrics.record(EngineRole.STT, name(), p.start, null);
            if (limiter != null) {
                limiter.onSuccess();
            }
            deliver(() -> listener.onFinal(text));
        }

        @Override
        public void onError(Throwable error) {
            Pending p = complete();
            if (p == null) {
                log.debug("dropping late error of engine '{}': {}", name(), error.toString());
                return;
            }
            metrics.record(EngineRole.STT, name(), p.start, error);
            if (limiter != null) {
                limiter.onError(error);
            }
            deliver(() -> listener.onError(error));
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
            synchronized (pending) {
                pending.forEach(p -> {
                    if (p.timer != null) {
                        p.timer.dispose();
                    }
                });
                pending.clear();
            }
            delegate.close();
        }
    }

    private static final class Pending {
        final long start;
        Disposable timer;
        boolean done;

        Pending(long start) {
            this.start = start;
        }
    }
}

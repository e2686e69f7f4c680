package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.EngineHealth;
import io.babelcall.pipeline.engine.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * pocketsphinx in-process (JNA to libpocketsphinx3). Audio is copied on {@link RecognitionSession#accept} and decoded
 * on this instance's own decode threads (never the caller's, which may be a Netty event loop), serially per stream.
 * Interims come from {@code ps_get_hyp} on the running utterance every {@code interimInterval} of audio; the final from
 * {@code ps_end_utt} + {@code ps_get_hyp}. A failure of the decoder ends that utterance with {@code onError}, the
 * decoder is freed and the next utterance gets a fresh one.
 */
final class PocketsphinxRecognizer implements SpeechRecognizer, EngineHealth, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PocketsphinxRecognizer.class);

    private final String name;
    private final Set<LanguageCode> languages;
    private final int sampleRate;
    private final int interimSamples;
    private final int maxQueuedSamples;
    private final PocketsphinxLibrary lib;
    private final Pointer config;
    private final DecoderPool pool;
    private final ExecutorService decodeThreads;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicInteger queuedTasks = new AtomicInteger();

    PocketsphinxRecognizer(String name, Set<LanguageCode> languages, int sampleRate, int interimSamples,
                           int maxQueuedSamples, PocketsphinxLibrary lib, Pointer config, DecoderPool pool,
                           ExecutorService decodeThreads) {
        this.name = name;
        this.languages = Set.copyOf(languages);
        this.sampleRate = sampleRate;
        this.interimSamples = interimSamples;
        this.maxQueuedSamples = maxQueuedSamples;
        this.lib = lib;
        this.config = config;
        this.pool = pool;
        this.decodeThreads = decodeThreads;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<LanguageCode> languages() {
        return languages;
    }

    @Override
    public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
        if (request.sampleRate() != sampleRate) {
            throw new IllegalArgumentException("pocketsphinx instance '" + name + "' decodes " + sampleRate
                    + " Hz audio, not " + request.sampleRate() + " Hz");
        }
        openSessions.incrementAndGet();
        return new Session(listener);
    }

    /** Whether every stream's queued audio has been decoded (tests measure end-of-speech latency from there). */
    boolean idleWork() {
        return queuedTasks.get() == 0;
    }

    @Override
    public Mono<Status> health() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("decoders", pool.totalCount());
        d.put("idleDecoders", pool.idleCount());
        d.put("maxDecoders", pool.maxDecoders());
        d.put("openStreams", openSessions.get());
        String error = pool.lastError();
        if (error != null) {
            d.put("error", error);
            return Mono.just(new Status(false, d));
        }
        return Mono.just(Status.up(d));
    }

    @Override
    public void close() {
        decodeThreads.shutdown();
        try {
            decodeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
        lib.sphinxbase.cmd_ln_free_r(config);
    }

    /** One stream. State below the queue is touched only by the stream's serial task runner. */
    private final class Session implements RecognitionSession {

        private final RecognitionListener listener;
        private final Object callbackLock = new Object();
        private final Deque<Runnable> tasks = new ArrayDeque<>();
        private boolean running; // guarded by tasks
        private final AtomicInteger queuedSamples = new AtomicInteger();
        private volatile boolean closed;
        private volatile boolean overrun;

        private Decoder decoder;
        private boolean inUtterance;
        private RuntimeException failure;
        private int sinceInterim;
        private float[] speakerCmn;

        Session(RecognitionListener listener) {
            this.listener = listener;
        }

        @Override
        public void accept(short[] samples, int offset, int length) {
            if (closed || length <= 0) {
                return;
            }
            if (queuedSamples.addAndGet(length) > maxQueuedSamples) {
                // Decoding fell far behind real time (CPU starved): drop this utterance rather than grow without bound.
                queuedSamples.addAndGet(-length);
                overrun = true;
                return;
            }
            short[] chunk = new short[length];
            System.arraycopy(samples, offset, chunk, 0, length);
            submit(() -> decode(chunk));
        }

        @Override
        public void endUtterance() {
            if (closed) {
                return;
            }
            boolean wasOverrun = overrun;
            overrun = false;
            submit(() -> finish(wasOverrun));
        }

        @Override
        public void close() {
            synchronized (callbackLock) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            openSessions.decrementAndGet();
            submit(this::releaseDecoder);
        }

        private void decode(short[] chunk) {
            queuedSamples.addAndGet(-chunk.length);
            if (failure != null || closed) {
                return;
            }
            try {
                if (decoder == null) {
                    decoder = pool.acquire();
                    decoder.setCmn(speakerCmn != null ? speakerCmn : pool.recentCmn());
                }
                if (!inUtterance) {
                    decoder.start();
                    inUtterance = true;
                    sinceInterim = 0;
                }
                decoder.process(chunk);
                sinceInterim += chunk.length;
                if (sinceInterim >= interimSamples) {
                    sinceInterim = 0;
                    String hyp = decoder.hypothesis();
                    if (!hyp.isEmpty()) {
                        callback(() -> listener.onInterim(hyp));
                    }
                }
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void finish(boolean wasOverrun) {
            try {
                if (failure != null) {
                    RuntimeException e = failure;
                    callback(() -> listener.onError(e));
                } else if (wasOverrun) {
                    callback(() -> listener.onError(new EngineRejectedException(
                            "pocketsphinx fell behind real time; utterance dropped")));
                } else if (decoder == null || !inUtterance) {
                    callback(() -> listener.onFinal(""));
                } else {
                    decoder.end();
                    inUtterance = false;
                    String text = decoder.hypothesis();
                    speakerCmn = decoder.cmn();
                    pool.recentCmn(speakerCmn);
                    callback(() -> listener.onFinal(text));
                }
            } catch (RuntimeException e) {
                fail(e);
                callback(() -> listener.onError(e));
            } finally {
                failure = null;
                inUtterance = false;
                if (decoder != null) {
                    pool.release(decoder); // leased per utterance only
                    decoder = null;
                }
            }
        }

        private void fail(RuntimeException e) {
            if (!(e instanceof EngineRejectedException)) {
                log.warn("pocketsphinx '{}' failed: {}", name, e.getMessage());
            }
            failure = e;
            inUtterance = false;
            if (decoder != null) {
                pool.discard(decoder);
                decoder = null;
            }
        }

        private void releaseDecoder() {
            if (decoder != null) {
                try {
                    if (inUtterance) {
                        decoder.end();
                    }
                    pool.release(decoder);
                } catch (RuntimeException e) {
                    pool.discard(decoder);
                }
                decoder = null;
                inUtterance = false;
            }
        }

        private void callback(Runnable r) {
            synchronized (callbackLock) {
                if (closed) {
                    return;
                }
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("recognition listener failed: {}", e.toString());
                }
            }
        }

        /** Runs tasks of this stream one at a time, in order, on the shared decode threads. */
        private void submit(Runnable task) {
            queuedTasks.incrementAndGet();
            synchronized (tasks) {
                tasks.addLast(task);
                if (running) {
                    return;
                }
                running = true;
            }
            try {
                decodeThreads.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                synchronized (tasks) {
                    queuedTasks.addAndGet(-tasks.size());
                    tasks.clear();
                    running = false;
                }
            }
        }

        private void drain() {
            int budget = 50; // then yield the thread to other streams
            while (true) {
                Runnable next;
                synchronized (tasks) {
                    next = tasks.pollFirst();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException | LinkageError e) {
                    log.error("pocketsphinx task failed", e);
                } finally {
                    queuedTasks.decrementAndGet();
                }
                if (--budget == 0) {
                    decodeThreads.execute(this::drain);
                    return;
                }
            }
        }
    }
}

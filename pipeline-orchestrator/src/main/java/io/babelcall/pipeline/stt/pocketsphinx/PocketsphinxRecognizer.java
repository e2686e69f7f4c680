package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * pocketsphinx in-process (JNA to libpocketsphinx3). Audio is copied on {@link RecognitionSession#accept} and decoded
 * on this instance's own decode threads (never the caller's, which may be a Netty event loop), serially per stream.
 * Interims come from {@code ps_get_hyp} on the running utterance every {@code interimInterval} of audio; the final from
 * {@code ps_end_utt} + {@code ps_get_hyp}. A failure of the decoder ends that utterance with {@code onError}, the
 * decoder is freed and the next utterance gets a fresh one.
 *
 * <p>Overload of one stream is that stream's, not the engine's: an utterance that finds no decoder within the pool's
 * wait, whose queued audio exceeds {@code maxQueuedSamples}, or whose final is not reached {@code shedAfter} after its
 * end (its own audio still queued) gets {@code onError(EngineRejectedException)}, which the circuit breaker ignores;
 * the rest of its audio is skipped and its decoder's utterance ended before the decoder goes back to the pool.
 */
final class PocketsphinxRecognizer implements SpeechRecognizer, EngineHealth, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PocketsphinxRecognizer.class);

    private final String name;
    private final Set<LanguageCode> languages;
    private final int sampleRate;
    private final int interimSamples;
    private final int maxQueuedSamples;
    private final Duration shedAfter;
    private final PocketsphinxLibrary lib;
    private final Pointer config;
    private final DecoderPool pool;
    private final RoomFairThreads decodeThreads;
    private final ExecutorService loader;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicInteger queuedTasks = new AtomicInteger();

    /** Threads: {@code decodeThreads} decode, {@code loader} makes the pool's decoders; both are shut down by close. */
    PocketsphinxRecognizer(String name, Set<LanguageCode> languages, int sampleRate, int interimSamples,
                           int maxQueuedSamples, Duration shedAfter, PocketsphinxLibrary lib, Pointer config,
                           DecoderPool pool, RoomFairThreads decodeThreads, ExecutorService loader) {
        this.name = name;
        this.languages = Set.copyOf(languages);
        this.sampleRate = sampleRate;
        this.interimSamples = interimSamples;
        this.maxQueuedSamples = maxQueuedSamples;
        this.shedAfter = shedAfter;
        this.lib = lib;
        this.config = config;
        this.pool = pool;
        this.decodeThreads = decodeThreads;
        this.loader = loader;
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
        return new Session(request.roomId(), listener);
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
        d.put("waitingStreams", pool.waitingCount());
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
        loader.shutdown();
        try {
            decodeThreads.awaitTermination(5, TimeUnit.SECONDS);
            loader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
        lib.sphinxbase.cmd_ln_free_r(config);
    }

    /**
     * One stream. Audio-thread state is touched by the caller only (one thread at a time); state below the queue only
     * by the stream's serial task runner. Utterances are numbered so a deadline can tell which one it concerns.
     */
    private final class Session implements RecognitionSession {

        private final String room;
        private final RecognitionListener listener;
        private final Object callbackLock = new Object();
        private final StreamTasks tasks;
        private final AtomicInteger queuedSamples = new AtomicInteger();
        private final AtomicLong shedThrough = new AtomicLong(-1);
        private volatile Lease pending;
        private volatile boolean closed;

        // audio thread
        private long utteranceIn;
        private boolean utteranceOpen;
        private boolean overrun;

        // task runner
        private Decoder decoder;
        private RuntimeException failure;
        private boolean dropped;
        private int sinceInterim;
        private float[] speakerCmn;

        Session(String room, RecognitionListener listener) {
            this.room = room == null ? "" : room;
            this.listener = listener;
            this.tasks = new StreamTasks(decodeThreads, this.room, queuedTasks);
        }

        @Override
        public void accept(short[] samples, int offset, int length) {
            if (closed || length <= 0) {
                return;
            }
            long u = utteranceIn;
            if (!utteranceOpen) {
                utteranceOpen = true;
                tasks.submit(() -> begin(u));
            }
            if (u <= shedThrough.get()) {
                return; // the rest of a dropped utterance
            }
            if (queuedSamples.addAndGet(length) > maxQueuedSamples) {
                // Decoding fell far behind this stream's audio: drop this utterance rather than grow without bound.
                queuedSamples.addAndGet(-length);
                overrun = true;
                shed(u, queuedTooMuch());
                return;
            }
            short[] chunk = new short[length];
            System.arraycopy(samples, offset, chunk, 0, length);
            tasks.submit(() -> decode(chunk, u));
        }

        @Override
        public void endUtterance() {
            if (closed) {
                return;
            }
            long u = utteranceIn++;
            boolean wasOverrun = overrun;
            overrun = false;
            utteranceOpen = false;
            Disposable deadline = Schedulers.parallel().schedule(() -> shed(u, lateFinal()), shedAfter.toMillis(),
                    TimeUnit.MILLISECONDS);
            tasks.submit(() -> finish(wasOverrun, deadline));
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
            Lease l = pending;
            if (l != null) {
                pool.cancel(l, new IllegalStateException("stream closed"));
            }
            tasks.submit(this::returnDecoder);
        }

        /** Utterance {@code u} is dropped (overrun, or its end-of-utterance deadline passed): its queued audio is skipped. */
        private void shed(long u, String why) {
            shedThrough.accumulateAndGet(u, Math::max);
            Lease l = pending;
            if (l != null && l.utterance == u) {
                pool.cancel(l, overload(why + ", waiting for a decoder"));
            }
        }

        private String queuedTooMuch() {
            return "more than " + maxQueuedSamples * 1000L / sampleRate + " ms of audio queued";
        }

        private String lateFinal() {
            return "final not reached within " + shedAfter.toMillis() + " ms of the end of the utterance";
        }

        private void begin(long u) {
            failure = null;
            dropped = false;
            returnDecoder(); // none is held between utterances; defensive
            if (closed || u <= shedThrough.get()) {
                dropped = true;
                return;
            }
            Lease lease = new Lease(u);
            tasks.park(); // until the pool answers, unless it has a decoder at once
            pending = lease;
            Decoder d;
            try {
                d = pool.acquire(room, lease);
            } catch (RuntimeException e) {
                d = null;
                failure = e;
            }
            if (d != null || failure != null) {
                pending = null;
                tasks.unpark();
                if (d != null) {
                    adopt(d);
                }
            }
        }

        private void adopt(Decoder d) {
            decoder = d;
            decoder.setCmn(speakerCmn != null ? speakerCmn : pool.recentCmn());
        }

        private void decode(short[] chunk, long u) {
            queuedSamples.addAndGet(-chunk.length);
            if (u <= shedThrough.get()) {
                dropped = true;
                return;
            }
            if (failure != null || decoder == null || closed) {
                return;
            }
            try {
                if (!decoder.inUtterance()) {
                    decoder.start();
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

        private void finish(boolean wasOverrun, Disposable deadline) {
            deadline.dispose();
            try {
                if (failure != null) {
                    RuntimeException e = failure;
                    callback(() -> listener.onError(e));
                } else if (wasOverrun || dropped) {
                    // this stream's own backlog: an overload of the stream, not a failure of the engine
                    callback(() -> listener.onError(overload(wasOverrun ? queuedTooMuch() : lateFinal())));
                } else if (decoder == null || !decoder.inUtterance()) {
                    callback(() -> listener.onFinal(""));
                } else {
                    decoder.end();
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
                dropped = false;
                returnDecoder(); // leased per utterance only
            }
        }

        private EngineRejectedException overload(String why) {
            return new EngineRejectedException("pocketsphinx '" + name + "' fell behind this stream (" + why
                    + "); utterance dropped");
        }

        private void fail(RuntimeException e) {
            if (!(e instanceof EngineRejectedException)) {
                log.warn("pocketsphinx '{}' failed: {}", name, e.getMessage());
            }
            failure = e;
            if (decoder != null) {
                pool.discard(decoder, room);
                decoder = null;
            }
        }

        /** Gives the decoder back, its utterance ended first (the pool frees a decoder that is still in one). */
        private void returnDecoder() {
            if (decoder == null) {
                return;
            }
            Decoder d = decoder;
            decoder = null;
            if (d.inUtterance()) {
                try {
                    d.end();
                } catch (RuntimeException e) {
                    log.debug("pocketsphinx '{}': ending a dropped utterance failed: {}", name, e.getMessage());
                }
            }
            pool.release(d, room);
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

        /** A request of utterance {@code utterance} waiting in the pool. */
        private final class Lease implements DecoderPool.Waiter {

            final long utterance;

            Lease(long utterance) {
                this.utterance = utterance;
            }

            @Override
            public void leased(Decoder d, RuntimeException refusal) {
                if (pending == this) {
                    pending = null;
                }
                tasks.resume(() -> {
                    if (d != null) {
                        adopt(d);
                    } else {
                        failure = refusal;
                    }
                });
            }
        }
    }
}

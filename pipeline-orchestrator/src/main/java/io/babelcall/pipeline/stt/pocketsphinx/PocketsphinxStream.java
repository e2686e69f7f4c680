package io.babelcall.pipeline.stt.pocketsphinx;

import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * One speaker stream of a {@link PocketsphinxRecognizer}: audio is copied on {@link #accept} and decoded on the
 * instance's decode threads, serially ({@link StreamTasks}); a decoder is leased from the pool per utterance.
 * Audio-thread state is touched by the caller only (one thread at a time); state below the queue only by the stream's
 * serial task runner. Utterances are numbered so a deadline can tell which one it concerns.
 *
 * <p>Speculative final: at {@link RecognitionSession#speechPaused()} the decoder's utterance is ended at once
 * ({@code ps_end_utt}: the second pass and rescoring run while the endpoint's hangover still does) and its text kept;
 * the silence accepted after it is held, not decoded, and {@link RecognitionSession#endUtterance()} gives the kept text
 * at once. If the speaker goes on ({@link RecognitionSession#speechResumed()}), the decoder starts the utterance again
 * and decodes all its audio once more, so the result is the one an undisturbed decoder gives (going on with a new
 * segment instead cut words at their inner pauses: docs/engines.md). That re-decoding is bounded: a stream
 * speculates at most {@value #MAX_SPECULATIONS} times per utterance, only in its first
 * {@value #MAX_SPECULATIVE_SECONDS} s, and only while its decoding keeps up with its audio (less than
 * {@value #MAX_LAG_MILLIS} ms queued): spare CPU is used, a busy machine is left alone.
 *
 * <p>Overload of one stream is that stream's, not the engine's: an utterance that finds no decoder within the pool's
 * wait, whose queued audio exceeds {@code maxQueuedSamples}, or whose final is not reached {@code shedAfter} after its
 * end (its own audio still queued) gets {@code onError(EngineRejectedException)}, which the circuit breaker ignores;
 * the rest of its audio is skipped and its decoder's utterance ended before the decoder goes back to the pool.
 */
final class PocketsphinxStream implements RecognitionSession {

    private static final Logger log = LoggerFactory.getLogger(PocketsphinxStream.class);
    private static final int MAX_SPECULATIONS = 3;
    private static final int MAX_SPECULATIVE_SECONDS = 10;
    private static final int MAX_LAG_MILLIS = 200;

    /** What the streams of one {@link PocketsphinxRecognizer} share. */
    record Shared(String name, int sampleRate, int interimSamples, int maxQueuedSamples, Duration shedAfter,
                  DecoderPool pool, RoomFairThreads decodeThreads, AtomicInteger openSessions,
                  AtomicInteger queuedTasks) {
    }

    private final String name;
    private final int sampleRate;
    private final Shared shared;
    private final DecoderPool pool;

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
    private long utteranceSamples;
    private int speculations;
    private boolean overrun;

    // task runner
    private Decoder decoder;
    private RuntimeException failure;
    private boolean dropped;
    private int sinceInterim;
    private float[] speakerCmn;
    /** The audio of the utterance so far, decoded again if the speaker goes on after a speculative final. */
    private final List<short[]> utteranceAudio = new ArrayList<>();
    /** The speculative final: set while the decoder's utterance was ended at a pause (null otherwise). */
    private String tentative;

    PocketsphinxStream(Shared shared, String room, RecognitionListener listener) {
        this.name = shared.name();
        this.sampleRate = shared.sampleRate();
        this.shared = shared;
        this.pool = shared.pool();
        this.room = room == null ? "" : room;
        this.listener = listener;
        this.tasks = new StreamTasks(shared.decodeThreads(), this.room, shared.queuedTasks());
    }

    @Override
    public void accept(short[] samples, int offset, int length) {
        if (closed || length <= 0) {
            return;
        }
        long u = utteranceIn;
        if (!utteranceOpen) {
            utteranceOpen = true;
            utteranceSamples = 0;
            speculations = 0;
            tasks.submit(() -> begin(u));
        }
        utteranceSamples += length;
        if (u <= shedThrough.get()) {
            return; // the rest of a dropped utterance
        }
        if (queuedSamples.addAndGet(length) > shared.maxQueuedSamples()) {
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
        Disposable deadline = Schedulers.parallel().schedule(() -> shed(u, lateFinal()), shared.shedAfter().toMillis(),
                TimeUnit.MILLISECONDS);
        tasks.submit(() -> finish(wasOverrun, deadline));
    }

    @Override
    public void speechPaused() {
        if (closed || !utteranceOpen) {
            return;
        }
        int queued = queuedSamples.get();
        if (speculations < MAX_SPECULATIONS && utteranceSamples <= (long) MAX_SPECULATIVE_SECONDS * sampleRate
                && queued <= MAX_LAG_MILLIS * sampleRate / 1000) {
            speculations++;
            long pausedAt = System.nanoTime();
            tasks.submit(() -> speculate(pausedAt));
        } else {
            log.debug("pocketsphinx '{}': no speculative final at this pause ({} made, {} samples said, {} queued)",
                    name, speculations, utteranceSamples, queued);
        }
    }

    @Override
    public void speechResumed() {
        if (!closed && utteranceOpen) {
            tasks.submit(this::resumeUtterance);
        }
    }

    @Override
    public void close() {
        synchronized (callbackLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        shared.openSessions().decrementAndGet();
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
        return "more than " + shared.maxQueuedSamples() * 1000L / sampleRate + " ms of audio queued";
    }

    private String lateFinal() {
        return "final not reached within " + shared.shedAfter().toMillis() + " ms of the end of the utterance";
    }

    private void begin(long u) {
        failure = null;
        dropped = false;
        tentative = null;
        utteranceAudio.clear();
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
        utteranceAudio.add(chunk);
        if (tentative != null) {
            return; // the silence after a speculative final: decoded only if the speaker goes on
        }
        try {
            if (!decoder.inUtterance()) {
                decoder.start();
                sinceInterim = 0;
            }
            decoder.process(chunk);
            sinceInterim += chunk.length;
            if (sinceInterim >= shared.interimSamples()) {
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

    /** The speaker paused: the final of the audio so far, ahead of the endpoint. */
    private void speculate(long pausedAt) {
        if (tentative != null || failure != null || dropped || closed || decoder == null
                || !decoder.inUtterance()) {
            return;
        }
        try {
            long started = System.nanoTime();
            decoder.end();
            String text = decoder.hypothesis();
            log.debug("pocketsphinx '{}': speculative final {} ms after the pause ({} ms to end the utterance)", name,
                    (System.nanoTime() - pausedAt) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
            tentative = text;
            callback(() -> listener.onTentativeFinal(text));
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** The speaker went on after a speculative final: the utterance is decoded again from its start. */
    private void resumeUtterance() {
        if (tentative == null || failure != null || dropped || closed || decoder == null) {
            return;
        }
        tentative = null;
        log.debug("pocketsphinx '{}': speaker went on after a speculative final, decoding again", name);
        try {
            decoder.start();
            sinceInterim = 0;
            for (short[] chunk : utteranceAudio) {
                decoder.process(chunk);
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
            } else if (decoder == null || (tentative == null && !decoder.inUtterance())) {
                callback(() -> listener.onFinal(""));
            } else {
                // nothing said after a pause: the speculative final stands (the decoder's utterance ended there)
                if (tentative == null) {
                    decoder.end();
                }
                String text = tentative != null ? tentative : decoder.hypothesis();
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
            tentative = null;
            utteranceAudio.clear();
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

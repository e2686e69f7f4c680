package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.pipeline.engine.EngineRejectedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm decoders shared by all streams of one instance. A stream leases a decoder for one utterance only (from its
 * first voiced frame to its end), so memory scales with the number of people speaking at the same moment, not with
 * open streams; models are loaded when a decoder is created, never per utterance. {@code minIdle} decoders are kept
 * ready (refilled in the background), at most {@code maxDecoders} exist.
 */
final class DecoderPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecoderPool.class);

    private final PocketsphinxLibrary lib;
    private final Pointer config;
    private final int maxDecoders;
    private final int minIdle;
    private final Executor background;
    private final Deque<Decoder> idle = new ArrayDeque<>();
    private int total;
    private int creating;
    private boolean closed;
    private volatile String lastError;
    private volatile float[] recentCmn;

    DecoderPool(PocketsphinxLibrary lib, Pointer config, int maxDecoders, int minIdle, Executor background) {
        this.lib = lib;
        this.config = config;
        this.maxDecoders = maxDecoders;
        this.minIdle = Math.min(minIdle, maxDecoders);
        this.background = background;
    }

    /** Starts creating the idle decoders in the background. */
    void warmUp() {
        refill();
    }

    /** An idle decoder, or a new one (created on the calling thread) while under the limit. */
    Decoder acquire() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("recognizer closed");
            }
            Decoder d = idle.pollFirst();
            if (d != null) {
                refill();
                return d;
            }
            if (total + creating >= maxDecoders) {
                throw new EngineRejectedException("all " + maxDecoders + " pocketsphinx decoders are busy");
            }
            creating++;
        }
        try {
            Decoder d = create();
            synchronized (this) {
                total++;
            }
            return d;
        } finally {
            synchronized (this) {
                creating--;
            }
        }
    }

    /** Returns a healthy decoder after an utterance. */
    void release(Decoder d) {
        synchronized (this) {
            if (!closed) {
                idle.addFirst(d);
                return;
            }
            total--;
        }
        d.close();
    }

    /** Frees a decoder that failed; a fresh one replaces it when needed. */
    void discard(Decoder d) {
        synchronized (this) {
            total--;
        }
        d.close();
        refill();
    }

    synchronized int idleCount() {
        return idle.size();
    }

    synchronized int totalCount() {
        return total;
    }

    int maxDecoders() {
        return maxDecoders;
    }

    /** The cepstral mean after the most recent utterance of any stream: where a new speaker starts from. */
    float[] recentCmn() {
        return recentCmn;
    }

    void recentCmn(float[] mean) {
        if (mean != null) {
            recentCmn = mean;
        }
    }

    String lastError() {
        return lastError;
    }

    private void refill() {
        int toCreate;
        synchronized (this) {
            toCreate = Math.max(0, Math.min(minIdle - idle.size() - creating, maxDecoders - total - creating));
            creating += toCreate;
        }
        for (int i = 0; i < toCreate; i++) {
            background.execute(() -> {
                try {
                    Decoder d = create();
                    synchronized (this) {
                        total++;
                    }
                    release(d);
                } catch (RuntimeException e) {
                    log.warn("cannot create a pocketsphinx decoder: {}", e.getMessage());
                } finally {
                    synchronized (this) {
                        creating--;
                    }
                }
            });
        }
    }

    private Decoder create() {
        try {
            Decoder d = new Decoder(lib, config);
            lastError = null;
            return d;
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            idle.forEach(Decoder::close);
            total -= idle.size();
            idle.clear();
        }
    }
}

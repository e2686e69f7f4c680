package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * Warm decoders shared by all streams of one instance. A stream leases a decoder for one utterance only (from its
 * first voiced frame to its end), so memory scales with the number of people speaking at the same moment, not with
 * open streams; models are loaded when a decoder is created (on a loader thread, never a decode thread), never per
 * utterance. {@code minIdle} decoders are kept ready (not remade while a lone utterance is decoded: {@link
 * #refill()}), at most {@code maxDecoders} exist.
 *
 * <p>Sharing: one room leases at most {@code maxPerRoom} decoders at once, so it cannot take every decoder from the
 * other rooms. A stream that finds none free (all busy, its room at its limit, or one still being made) waits up to
 * {@code maxWait}; a freed decoder goes to the waiter whose room holds the fewest, the oldest first. A decoder comes
 * back into the pool only when its utterance has ended ({@link Decoder#inUtterance()} false); otherwise it is freed.
 *
 * <p>Two loader threads: a decoder a stream waits for is made on {@code urgentLoader} (normal priority), one made
 * ahead of need (and warmed) on {@code backgroundLoader} (low priority: {@link
 * io.babelcall.pipeline.engine.spi.BackgroundThreads}), so a waiting stream never queues behind it. {@link #close()}
 * stops both.
 */
final class DecoderPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DecoderPool.class);

    /** One stream's pending request: told exactly once, later and on another thread, what it got. */
    interface Waiter {
        /**
         * Called once, with a decoder or a refusal.
         *
         * @param decoder the leased decoder, or null when refused with {@code refusal}
         */
        void leased(Decoder decoder, RuntimeException refusal);
    }

    private record Waiting(String room, Waiter waiter, Disposable timer) {
    }

    private record Handoff(Waiter waiter, Decoder decoder, RuntimeException refusal) {
        void deliver() {
            waiter.leased(decoder, refusal);
        }
    }

    private final PocketsphinxLibrary lib;
    private final Pointer config;
    private final int maxDecoders;
    private final int minIdle;
    private final int maxPerRoom;
    private final Duration maxWait;
    private final ExecutorService urgentLoader;
    private final ExecutorService backgroundLoader;
    /** Decoded once by each decoder made ahead of need; null: none. */
    private final short[] warmUpAudio;
    private final Deque<Decoder> idle = new ArrayDeque<>();
    private final Map<String, Integer> leasedByRoom = new HashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private int total;
    private int creating;
    private boolean closed;
    private volatile String lastError;
    private volatile float[] recentCmn;

    DecoderPool(PocketsphinxLibrary lib, Pointer config, int maxDecoders, int minIdle, int maxPerRoom,
                Duration maxWait, ExecutorService urgentLoader, ExecutorService backgroundLoader, short[] warmUpAudio) {
        this.lib = lib;
        this.config = config;
        this.maxDecoders = maxDecoders;
        this.minIdle = Math.min(minIdle, maxDecoders);
        this.maxPerRoom = Math.min(maxPerRoom, maxDecoders);
        this.maxWait = maxWait;
        this.urgentLoader = urgentLoader;
        this.backgroundLoader = backgroundLoader;
        this.warmUpAudio = warmUpAudio;
    }

    /** Starts creating the idle decoders in the background. */
    void warmUp() {
        synchronized (this) {
            refill();
        }
    }

    /**
     * A decoder for a stream of {@code room} at once, or null: then {@code waiter} is queued and told later (at most
     * {@code maxWait} later, never on this call's thread). Throws {@link EngineRejectedException} when nothing is free
     * and waiting is off ({@code maxWait} 0).
     */
    Decoder acquire(String room, Waiter waiter) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("recognizer closed");
            }
            if (leased(room) < maxPerRoom && !idle.isEmpty()) {
                Decoder d = idle.pollFirst();
                leasedByRoom.merge(room, 1, Integer::sum);
                refill();
                return d;
            }
            if (maxWait.isZero()) {
                throw busy(room);
            }
            Disposable timer = Schedulers.parallel().schedule(() -> expire(waiter), maxWait.toMillis(),
                    TimeUnit.MILLISECONDS);
            waiting.add(new Waiting(room, waiter, timer));
            createForWaiters();
        }
        return null;
    }

    /** Withdraws a pending request; true (and the waiter is told {@code why}) if it was still waiting. */
    boolean cancel(Waiter waiter, RuntimeException why) {
        Waiting w = remove(waiter);
        if (w == null) {
            return false;
        }
        w.timer.dispose();
        waiter.leased(null, why);
        return true;
    }

    /** Returns a decoder after an utterance; one whose utterance has not ended is freed instead of reused. */
    void release(Decoder d, String room) {
        boolean free;
        List<Handoff> handoffs;
        synchronized (this) {
            unlease(room);
            free = closed || d.inUtterance();
            if (free) {
                total--;
            } else {
                idle.addFirst(d);
            }
            handoffs = dispatch();
        }
        if (free) {
            d.close();
        }
        handoffs.forEach(Handoff::deliver);
    }

    /** Frees a decoder that failed; a fresh one replaces it when needed. */
    void discard(Decoder d, String room) {
        List<Handoff> handoffs;
        synchronized (this) {
            unlease(room);
            total--;
            handoffs = dispatch();
        }
        d.close();
        handoffs.forEach(Handoff::deliver);
    }

    synchronized int idleCount() {
        return idle.size();
    }

    synchronized int totalCount() {
        return total;
    }

    synchronized int waitingCount() {
        return waiting.size();
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

    /** Whether a decoder just made ahead of need should still be warmed: nobody waits for it, no lone utterance. */
    private synchronized boolean warmUpWanted() {
        return waiting.isEmpty() && !loneUtterance();
    }

    /** Whether exactly one decoder is leased. Caller holds the lock. */
    private boolean loneUtterance() {
        return leasedByRoom.size() == 1 && leasedByRoom.values().iterator().next() == 1;
    }

    private int leased(String room) {
        return leasedByRoom.getOrDefault(room, 0);
    }

    private void unlease(String room) {
        leasedByRoom.computeIfPresent(room, (k, n) -> n <= 1 ? null : n - 1);
    }

    private synchronized Waiting remove(Waiter waiter) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.waiter == waiter) {
                it.remove();
                return w;
            }
        }
        return null;
    }

    private void expire(Waiter waiter) {
        String room;
        synchronized (this) {
            Waiting w = remove(waiter);
            if (w == null) {
                return;
            }
            room = w.room;
        }
        waiter.leased(null, busy(room));
    }

    private EngineRejectedException busy(String room) {
        String why;
        synchronized (this) {
            why = leased(room) >= maxPerRoom ? "this room already uses " + maxPerRoom + ", its limit"
                    : "all " + maxDecoders + " busy";
        }
        return new EngineRejectedException("no pocketsphinx decoder free within " + maxWait.toMillis() + " ms ("
                + why + ")");
    }

    /** Hands idle decoders to waiters, the room holding the fewest first (ties: the oldest). Caller holds the lock. */
    private List<Handoff> dispatch() {
        List<Handoff> out = new ArrayList<>();
        while (!idle.isEmpty()) {
            Waiting best = null;
            for (Waiting w : waiting) {
                int n = leased(w.room);
                if (n < maxPerRoom && (best == null || n < leased(best.room))) {
                    best = w;
                }
            }
            if (best == null) {
                break;
            }
            waiting.remove(best);
            best.timer.dispose();
            leasedByRoom.merge(best.room, 1, Integer::sum);
            out.add(new Handoff(best.waiter, idle.pollFirst(), null));
        }
        createForWaiters();
        refill();
        return out;
    }

    /** Starts making decoders for waiters that could use one, within the limit. Caller holds the lock. */
    private void createForWaiters() {
        int eligible = 0;
        Map<String, Integer> wouldLease = new HashMap<>(leasedByRoom);
        for (Waiting w : waiting) {
            if (wouldLease.getOrDefault(w.room, 0) < maxPerRoom) {
                wouldLease.merge(w.room, 1, Integer::sum);
                eligible++;
            }
        }
        for (int i = creating; i < eligible && total + creating < maxDecoders; i++) {
            startCreation();
        }
    }

    /**
     * Makes decoders ahead of need, up to {@code minIdle}, except while exactly one utterance is being decoded: that
     * one's decoder comes back when it ends, and on a small machine loading a model and warming it took as much CPU
     * as the utterance and put its captions seconds behind (docs/benchmarks/pipeline.md, round 13). A second speaker
     * who starts meanwhile gets one made at once (as from an empty pool); with two or more speaking, more may follow,
     * and one is made ahead again. Caller holds the lock.
     */
    private void refill() {
        if (loneUtterance()) {
            return;
        }
        int toCreate = Math.max(0, Math.min(minIdle - idle.size() - creating, maxDecoders - total - creating));
        for (int i = 0; i < toCreate; i++) {
            startCreation();
        }
    }

    private void warmUp(Decoder d) {
        long started = System.nanoTime();
        d.warmUp(warmUpAudio);
        log.debug("pocketsphinx decoder warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /** Caller holds the lock. */
    private void startCreation() {
        creating++;
        // made ahead of need (and then warmed) only when nobody waits for it: a waiting stream would wait for the
        // warm-up too, and for a background thread that busy decode threads may keep from the CPU
        boolean ahead = waiting.isEmpty();
        boolean warm = warmUpAudio != null && ahead;
        (ahead ? backgroundLoader : urgentLoader).execute(() -> {
            Decoder d = null;
            RuntimeException failure = null;
            try {
                d = new Decoder(lib, config);
                if (warm && warmUpWanted()) {
                    warmUp(d);
                }
                lastError = null;
            } catch (RuntimeException e) {
                if (d != null) {
                    d.close();
                    d = null;
                }
                lastError = e.getMessage();
                failure = e;
                log.warn("cannot create a pocketsphinx decoder: {}", e.getMessage());
            }
            List<Handoff> handoffs = new ArrayList<>();
            boolean free = false;
            synchronized (this) {
                creating--;
                if (d != null && !closed) {
                    total++;
                    idle.addFirst(d);
                    handoffs = dispatch();
                } else if (d != null) {
                    free = true;
                } else if (!waiting.isEmpty()) {
                    // the oldest waiter learns why at once rather than at its deadline (an engine failure)
                    Waiting w = waiting.remove(0);
                    w.timer.dispose();
                    handoffs.add(new Handoff(w.waiter, null, failure));
                }
            }
            if (free) {
                d.close();
            }
            handoffs.forEach(Handoff::deliver);
        });
    }

    @Override
    public void close() {
        // decoders still being made are finished first, then freed with the idle ones
        urgentLoader.shutdown();
        backgroundLoader.shutdown();
        try {
            urgentLoader.awaitTermination(5, TimeUnit.SECONDS);
            backgroundLoader.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Waiting> refused;
        synchronized (this) {
            closed = true;
            idle.forEach(Decoder::close);
            total -= idle.size();
            idle.clear();
            refused = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (Waiting w : refused) {
            w.timer.dispose();
            w.waiter.leased(null, new IllegalStateException("recognizer closed"));
        }
    }
}

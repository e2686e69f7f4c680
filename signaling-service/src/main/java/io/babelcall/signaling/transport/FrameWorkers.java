package io.babelcall.signaling.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where socket events are handled: a small {@link ForkJoinPool}, off Netty's event loops, because handling a frame can
 * wait on Redis (language and media updates, leave, close) and the handshake always does (the participant check).
 *
 * <p>A frame is handled in microseconds; fork/join workers take new work from a lock-free queue while they are busy and
 * are woken only when too few are running. Lettuce's blocking calls wait in {@code CompletableFuture.get}, which on a
 * fork/join worker is a {@link ForkJoinPool#managedBlock managed block}: the pool starts a spare worker meanwhile, so a
 * slow Redis does not hold up other sockets' relays
 * ({@code SignalingReplicasTests.framesWaitingOnRedisDoNotHoldUpOtherSocketsRelays}). Spare workers are capped
 * ({@code maxSpare}): if Redis hangs while thousands of sockets close at once, the rest wait in the queue instead of
 * each getting a thread.
 */
public final class FrameWorkers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FrameWorkers.class);

    private final ForkJoinPool pool;
    private final LongAdder frames = new LongAdder();
    private final LongAdder handshakes = new LongAdder();
    private final Executor frameExecutor = this::frame;
    private final Executor handshakeExecutor = this::handshake;

    public FrameWorkers(int parallelism, int maxSpare, String name) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ForkJoinPool(parallelism, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(name + "-frames-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (t, e) -> log.error("Uncaught exception on {}", t.getName(), e), true,
                0, parallelism + maxSpare, 1, p -> true, 60, TimeUnit.SECONDS);
    }

    /** Runs one batch of a socket's events. */
    public Executor frames() {
        return frameExecutor;
    }

    /** Runs a handshake's checks (token, then the participant in Redis). */
    public Executor handshakes() {
        return handshakeExecutor;
    }

    private void frame(Runnable task) {
        frames.increment();
        pool.execute(task);
    }

    private void handshake(Runnable task) {
        handshakes.increment();
        pool.execute(task);
    }

    /** Batches of socket events handed to the workers so far. */
    public long framesDispatched() {
        return frames.sum();
    }

    /** Handshakes checked on the workers so far. */
    public long handshakesDispatched() {
        return handshakes.sum();
    }

    public ForkJoinPool pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.babelcall.signaling.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.catalina.util.ServerInfo;
import org.apache.tomcat.util.net.SocketProcessorBase;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor of signaling's Tomcat connector. Events of sockets already upgraded to WebSocket (a client's frames,
 * write completions) run on a small {@link ForkJoinPool} of frame workers; everything else (HTTP requests, the
 * upgrade handshake, which checks the token against Redis) on a pool built as Tomcat builds its own.
 *
 * <p>Why: a frame is handled in microseconds and never waits, and Tomcat's own pool made every readable socket and
 * every completed send a hand-off between threads (two queue locks and, mostly, a thread wake-up, across up to
 * {@code threads.max} threads), which cost about as much CPU as handling the frame. Fork/join workers take new work
 * from a lock-free queue while they are busy and are woken only when too few are running: at 10 000 relayed msgs/s
 * the server needs ~35 % less CPU (docs/benchmarks/signaling.md, round 6).
 *
 * <p>Handling a frame can still wait on Redis (language and media updates, leave, close). Lettuce's blocking calls
 * wait in {@code CompletableFuture.get}, which on a fork/join worker is a {@link ForkJoinPool#managedBlock managed
 * block}: the pool starts a spare worker meanwhile, so a slow Redis does not hold up other sockets' relays
 * ({@code SignalingReplicasTests.framesWaitingOnRedisDoNotHoldUpOtherSocketsRelays}).
 */
public final class FrameDispatchExecutor implements Executor, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FrameDispatchExecutor.class);

    /** Tomcat keeps the socket of a dispatch in a protected field, without a getter. */
    private static final VarHandle SOCKET_WRAPPER = socketWrapperHandle();
    /** Tomcat hands every completed asynchronous WebSocket send to the executor, to call the sender's handler. */
    private static final Class<?> SEND_COMPLETION = sendCompletionClass();

    private final ForkJoinPool frameWorkers;
    private final ThreadPoolExecutor requestWorkers;
    private final LongAdder frames = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /**
     * @param frameWorkers           parallelism of the frame pool
     * @param minSpareRequestThreads Tomcat's {@code threads.min-spare}
     * @param maxRequestThreads      Tomcat's {@code threads.max}; also the cap on spare frame workers
     * @param name                   prefix of the threads' names
     */
    public FrameDispatchExecutor(int frameWorkers, int minSpareRequestThreads, int maxRequestThreads, String name) {
        if (SOCKET_WRAPPER == null || SEND_COMPLETION == null) {
            // Refuse to start rather than run with every frame on the request pool: the service would work, at about
            // 1.5x the CPU per message, and nobody would notice until capacity ran short.
            throw new IllegalStateException("this Tomcat (" + ServerInfo.getServerNumber() + ") no longer has "
                    + (SOCKET_WRAPPER == null ? "SocketProcessorBase.socketWrapper" : "WsRemoteEndpointImplServer"
                    + "$OnResultRunnable") + ", which the signaling frame dispatch relies on; use the Tomcat version"
                    + " the build pins (see FrameDispatchExecutor)");
        }
        AtomicInteger n = new AtomicInteger();
        // Spare workers for frames that wait on Redis are capped like Tomcat's pool was (maxRequestThreads): if Redis
        // hangs while thousands of sockets close at once, the rest wait in the queue instead of each getting a thread.
        this.frameWorkers = new ForkJoinPool(frameWorkers, pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(name + "-frames-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (t, e) -> log.error("Uncaught exception on {}", t.getName(), e), true,
                0, frameWorkers + maxRequestThreads, 1, pool -> true, 60, TimeUnit.SECONDS);
        // As Tomcat's AbstractEndpoint.createExecutor: grows to max threads before it queues.
        TaskQueue queue = new TaskQueue();
        this.requestWorkers = new ThreadPoolExecutor(minSpareRequestThreads, maxRequestThreads, 60, TimeUnit.SECONDS,
                queue, new TaskThreadFactory(name + "-exec-", true, Thread.NORM_PRIORITY));
        queue.setParent(requestWorkers);
    }

    @Override
    public void execute(Runnable task) {
        if (task.getClass() == SEND_COMPLETION || isWebSocketEvent(task)) {
            frames.increment();
            frameWorkers.execute(task);
        } else {
            requests.increment();
            requestWorkers.execute(task);
        }
    }

    private static boolean isWebSocketEvent(Runnable task) {
        if (SOCKET_WRAPPER == null || !(task instanceof SocketProcessorBase<?>)) {
            return false;
        }
        // Tomcat's upgrade processor sets an upgraded socket's read timeout to -1 (no timeout) for good; HTTP
        // connections keep the connector's timeout. (The processor itself is no marker: the next read can be
        // dispatched before Tomcat parks it back on the socket.)
        return SOCKET_WRAPPER.get(task) instanceof SocketWrapperBase<?> wrapper && wrapper.getReadTimeout() < 0;
    }

    /** Socket events and send completions handled by the frame workers so far. */
    public long framesDispatched() {
        return frames.sum();
    }

    /** Everything else handed to the request pool so far. */
    public long requestsDispatched() {
        return requests.sum();
    }

    public ForkJoinPool frameWorkers() {
        return frameWorkers;
    }

    @Override
    public void close() {
        requestWorkers.shutdown();
        frameWorkers.shutdown();
        try {
            requestWorkers.awaitTermination(5, TimeUnit.SECONDS);
            frameWorkers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Class<?> sendCompletionClass() {
        try {
            return Class.forName("org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer$OnResultRunnable");
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static VarHandle socketWrapperHandle() {
        try {
            return MethodHandles.privateLookupIn(SocketProcessorBase.class, MethodHandles.lookup())
                    .findVarHandle(SocketProcessorBase.class, "socketWrapper", SocketWrapperBase.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // the constructor refuses to start, naming what is missing
        }
    }
}

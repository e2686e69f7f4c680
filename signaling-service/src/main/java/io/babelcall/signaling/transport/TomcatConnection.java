package io.babelcall.signaling.transport;

import io.babelcall.signaling.session.ClientConnection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import io.babelcall.common.text.UnicodeText;
import io.babelcall.signaling.metrics.SignalingMetrics;

/**
 * A Jakarta WebSocket session with a bounded, non-blocking outbound queue. Frames are written with the container's
 * asynchronous send, one at a time; callers only enqueue, so a slow or stuck client never blocks the thread that
 * relays to it. More than {@code bufferLimit} queued characters, or one write pending longer than
 * {@code sendTimeLimitNanos}, closes this session only (1013, cause {@code slow_consumer}).
 */
public final class TomcatConnection implements ClientConnection, SendHandler {

    private static final Object PING = new Object();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Tomcat user property: how long a blocking write (ping, close frame) may wait. */
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    // States of one asynchronous write, to tell inline completion (same thread) from a later callback.
    private static final int IDLE = 0;
    private static final int IN_CALL = 1;
    private static final int DONE_INLINE = 2;
    private static final int RETURNED = 3;
    /** {@link #writeStartedNanos} while no text write is in flight. */
    private static final long NO_WRITE = Long.MIN_VALUE;

    private final String id = UUID.randomUUID().toString();
    private final Session session;
    private final int bufferLimit;
    private final long sendTimeLimitNanos;
    private final Executor closer;
    private final SignalingMetrics metrics;
    private final LongSupplier nanoClock;
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicInteger writeState = new AtomicInteger(IDLE);
    private final AtomicInteger queuedChars = new AtomicInteger();
    /** When the text write in flight started; {@link #NO_WRITE} between writes (pings are bounded by Tomcat). */
    private final AtomicLong writeStartedNanos = new AtomicLong(NO_WRITE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int inFlightChars;
    /** Set when queued frames must be dropped (slow consumer, write failure). */
    private volatile boolean aborted;

    public TomcatConnection(Session session, int bufferLimit, long sendTimeLimitNanos, Executor closer,
                            SignalingMetrics metrics) {
        this(session, bufferLimit, sendTimeLimitNanos, closer, metrics, System::nanoTime);
    }

    /** {@code nanoClock} times pending writes (tests pass their own). */
    public TomcatConnection(Session session, int bufferLimit, long sendTimeLimitNanos, Executor closer,
                            SignalingMetrics metrics, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.session = session;
        this.bufferLimit = bufferLimit;
        this.sendTimeLimitNanos = sendTimeLimitNanos;
        this.closer = closer;
        this.metrics = metrics;
        session.getUserProperties().put(BLOCKING_SEND_TIMEOUT, Math.max(1000L, sendTimeLimitNanos / 1_000_000L));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && session.isOpen();
    }

    @Override
    public boolean send(String text) {
        if (closed.get()) {
            return false;
        }
        // Defence in depth: Tomcat's UTF-8 encoder fails the whole write on an unpaired surrogate and we would close
        // this socket for it (1011). Input is validated, but no frame's content may ever cost a socket: repair it.
        text = UnicodeText.toWellFormed(text);
        if (queuedChars.addAndGet(text.length()) > bufferLimit || stuck()) {
            slowConsumer();
            return false;
        }
        queue.offer(text);
        drain();
        return true;
    }

    @Override
    public void ping() {
        // Only when nothing is queued: a client with pending data is either fine or caught by the send limits.
        if (!closed.get() && queue.isEmpty() && !sending.get()) {
            queue.offer(PING);
            drain();
        }
    }

    /**
     * A text write has been pending longer than the limit. Decided by the write's own start time, not by
     * {@code sending}: that flag is also set just before a write starts and during a ping, when no start time applies.
     */
    private boolean stuck() {
        long started = writeStartedNanos.get();
        return started != NO_WRITE && nanoClock.getAsLong() - started > sendTimeLimitNanos;
    }

    private void drain() {
        while (!queue.isEmpty() && sending.compareAndSet(false, true)) {
            Object next = queue.poll();
            if (next == null) {
                sending.set(false);
                continue;
            }
            if (next instanceof CloseReason reason) {
                closeAsync(reason); // after every frame queued before it; sending stays true for good
                return;
            }
            if (aborted) {
                queue.clear();
                sending.set(false);
                return;
            }
            if (next == PING) {
                try {
                    session.getBasicRemote().sendPing(EMPTY);
                } catch (IOException | RuntimeException e) {
                    closeQuietly();
                }
                sending.set(false);
                continue;
            }
            String text = (String) next;
            inFlightChars = text.length();
            writeStartedNanos.set(nanoClock.getAsLong());
            writeState.set(IN_CALL);
            try {
                session.getAsyncRemote().sendText(text, this);
            } catch (RuntimeException e) {
                writeStartedNanos.set(NO_WRITE);
                writeState.set(IDLE);
                queuedChars.addAndGet(-text.length());
                sending.set(false);
                closeQuietly();
                return;
            }
            if (!writeState.compareAndSet(IN_CALL, RETURNED)) {
                // Completed inline: keep draining on this thread (no recursion).
                writeState.set(IDLE);
                sending.set(false);
            } else {
                return; // onResult continues the drain
            }
        }
    }

    @Override
    public void onResult(SendResult result) {
        writeStartedNanos.set(NO_WRITE);
        queuedChars.addAndGet(-inFlightChars);
        if (!result.isOK()) {
            closeQuietly();
        }
        if (writeState.compareAndSet(IN_CALL, DONE_INLINE)) {
            return; // drain() sees this right after sendText returns
        }
        writeState.set(IDLE);
        sending.set(false);
        drain();
    }

    private void slowConsumer() {
        if (closed.compareAndSet(false, true)) {
            aborted = true;
            metrics.closed("slow_consumer");
            queue.clear();
            closeAsync(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "send buffer overflow"));
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            // Queued behind what was already sent (e.g. the error explaining the close), unless the client is stuck.
            if (stuck()) {
                aborted = true;
                queue.clear();
                closeAsync(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } else {
                queue.offer(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
                drain();
            }
        }
    }

    private void closeQuietly() {
        if (closed.compareAndSet(false, true)) {
            aborted = true;
            queue.clear();
            closeAsync(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "write failed"));
        }
    }

    private void closeAsync(CloseReason reason) {
        // Closing writes a close frame, which may block on a stuck client: never on the caller's thread.
        closer.execute(() -> {
            try {
                session.close(reason);
            } catch (IOException | RuntimeException ignored) {
                // already gone
            }
        });
    }
}

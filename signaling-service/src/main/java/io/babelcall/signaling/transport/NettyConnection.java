package io.babelcall.signaling.transport;

import io.babelcall.common.text.UnicodeText;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.session.ClientConnection;
import io.babelcall.signaling.session.CloseCodes;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.LongSupplier;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * One WebSocket as the signaling logic writes to it: frames go straight to the Netty channel (whose event loop queues
 * and writes them, in order per sending thread); callers never block. More than {@code bufferLimit} characters written
 * but not yet on the wire, or a write pending longer than {@code sendTimeLimitNanos} with no progress, or more than a
 * fair share of the replica's {@link OutboundBudget} once that is spent, closes this socket only (1013, cause
 * {@code slow_consumer}).
 */
public final class NettyConnection implements ClientConnection {

    private static final AtomicIntegerFieldUpdater<NettyConnection> QUEUED =
            AtomicIntegerFieldUpdater.newUpdater(NettyConnection.class, "queuedChars");
    private static final AtomicIntegerFieldUpdater<NettyConnection> PENDING =
            AtomicIntegerFieldUpdater.newUpdater(NettyConnection.class, "pendingWrites");
    private static final AtomicIntegerFieldUpdater<NettyConnection> CLOSED =
            AtomicIntegerFieldUpdater.newUpdater(NettyConnection.class, "closed");

    private final String id = UUID.randomUUID().toString();
    private final Channel channel;
    private final CloseHandshake closeHandshake;
    private final int bufferLimit;
    private final OutboundBudget budget;
    private final long sendTimeLimitNanos;
    private final SignalingMetrics metrics;
    private final LongSupplier nanoClock;
    @SuppressWarnings("UnusedVariable") // read and written through QUEUED
    private volatile int queuedChars;
    private volatile int pendingWrites;
    /** When the oldest pending write started, or the last write completed while others were pending. */
    private volatile long progressNanos;
    private volatile int closed;

    /** Starts the WebSocket closing handshake: a close frame behind what is queued, then the connection closes. */
    @FunctionalInterface
    public interface CloseHandshake {
        void start(int code, String reason);
    }

    public NettyConnection(Channel channel, WebsocketOutbound outbound, int bufferLimit, OutboundBudget budget,
                           long sendTimeLimitNanos, SignalingMetrics metrics) {
        this(channel, (code, reason) -> outbound.sendClose(code, reason).subscribe(null, e -> {
            var unused = channel.close();
        }), bufferLimit, budget, sendTimeLimitNanos, metrics, System::nanoTime);
    }

    /** {@code nanoClock} times pending writes (tests pass their own). */
    NettyConnection(Channel channel, CloseHandshake closeHandshake, int bufferLimit, OutboundBudget budget,
                    long sendTimeLimitNanos, SignalingMetrics metrics, LongSupplier nanoClock) {
        this.channel = channel;
        this.closeHandshake = closeHandshake;
        this.bufferLimit = bufferLimit;
        this.budget = budget;
        this.sendTimeLimitNanos = sendTimeLimitNanos;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return closed == 0 && channel.isActive();
    }

    @Override
    public boolean send(String text) {
        if (closed != 0) {
            return false;
        }
        // Defence in depth: an unpaired surrogate has no UTF-8 form; no frame's content may ever cost a socket.
        String wellFormed = UnicodeText.toWellFormed(text);
        int chars = wellFormed.length();
        int queued = QUEUED.addAndGet(this, chars);
        if (queued > bufferLimit || stuck() || !budget.take(chars, queued)) {
            QUEUED.addAndGet(this, -chars);
            slowConsumer();
            return false;
        }
        if (PENDING.getAndIncrement(this) == 0) {
            progressNanos = nanoClock.getAsLong();
        }
        TextWebSocketFrame frame = new TextWebSocketFrame(ByteBufUtil.writeUtf8(channel.alloc(), wellFormed));
        channel.writeAndFlush(frame).addListener(f -> written(chars, f));
        return true;
    }

    private void written(int chars, io.netty.util.concurrent.Future<? super Void> result) {
        QUEUED.addAndGet(this, -chars);
        budget.giveBack(chars);
        progressNanos = nanoClock.getAsLong();
        PENDING.decrementAndGet(this);
        if (!result.isSuccess() && channel.isActive()) {
            abort();
        }
    }

    @Override
    public void ping() {
        if (closed != 0) {
            return;
        }
        if (stuck()) {
            slowConsumer(); // a client that stopped reading and is sent nothing more is found here
        } else if (pendingWrites == 0) {
            // Only when nothing is pending: a client with pending data is either fine or caught by the send limits.
            var unused = channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
        }
    }

    /** Answers a client's ping (after its rate limit), unless this socket's writes are stuck. */
    void pong(byte[] payload) {
        if (!stuck()) {
            var unused = channel.writeAndFlush(new PongWebSocketFrame(Unpooled.wrappedBuffer(payload)),
                    channel.voidPromise());
        }
    }

    /** Some write has been pending longer than the limit without any completing meanwhile. */
    boolean stuck() {
        return pendingWrites > 0 && nanoClock.getAsLong() - progressNanos > sendTimeLimitNanos;
    }

    private void slowConsumer() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            metrics.closed("slow_consumer");
            if (stuck()) {
                drop(); // the close frame would wait behind writes that do not move
            } else {
                // Behind a megabyte for a slow reader: it gets a second to read its way to the close frame.
                closeHandshake.start(CloseCodes.TRY_AGAIN_LATER, "send buffer overflow");
                var unused = channel.eventLoop().schedule(this::drop, 1, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close(int code, String reason) {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            if (stuck()) {
                drop(); // a client that reads nothing would never get the close frame
            } else {
                closeHandshake.start(code, reason); // behind what was sent, e.g. the error explaining the close
            }
        }
    }

    private void abort() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            drop();
        }
    }

    private void drop() {
        var unused = channel.close();
    }
}

package io.babelcall.signaling.transport;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.session.CloseCodes;
import io.babelcall.signaling.session.LocalSession;
import io.babelcall.signaling.session.SignalingEvents;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;

/**
 * One socket's inbound side. Frames arrive on the channel's event loop, where fragmented messages are assembled (up
 * to {@code maxMessageBytes}; more closes 1009) and each complete message becomes an event in this socket's mailbox;
 * the mailbox is drained on a {@link FrameWorkers frame worker}, one batch at a time, so the signaling logic sees one
 * socket's events in order and from one thread at a time, and may wait on Redis without stalling an event loop.
 *
 * <p>Backpressure as Tomcat gave it: at most {@link #WINDOW} frames are requested ahead of what the worker has
 * handled, so a client that sends faster than its messages are handled stops being read (its TCP window fills)
 * instead of filling this replica's memory.
 */
final class InboundFrames implements CoreSubscriber<WebSocketFrame>, Runnable {

    private static final Logger log = LoggerFactory.getLogger(InboundFrames.class);

    /** Frames requested ahead of the worker. */
    static final int WINDOW = 16;
    /** Events handled per turn on a worker before the socket yields it to others. */
    private static final int BATCH = 32;

    private static final Object OPEN = new Object();
    private static final Object BINARY = new Object();
    private static final Object TOO_BIG = new Object();
    private static final Object PONG = new Object();
    private static final Object CLOSED = new Object();

    private static final AtomicIntegerFieldUpdater<InboundFrames> SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(InboundFrames.class, "scheduled");

    private record Text(String text, long receivedAtNanos) {
    }

    /** A client's ping and its application data, which the pong must echo. */
    private static final class Ping {
        final byte[] payload;

        Ping(byte[] payload) {
            this.payload = payload;
        }
    }

    private final SignalingEvents events;
    private final NettyConnection connection;
    private final Executor workers;
    private final int maxMessageBytes;
    private final ConcurrentLinkedQueue<Object> mailbox = new ConcurrentLinkedQueue<>();
    @SuppressWarnings("UnusedVariable") // read and written through SCHEDULED
    private volatile int scheduled;
    /** The close code to report: the close frame's (either side's), else 1006 (the connection dropped). */
    private volatile int closeCode = CloseCodes.ABNORMAL;
    private Subscription subscription;

    // Event loop only: the message being assembled from fragments.
    private byte[] partial;
    private int partialLength;
    private boolean partialIsText;
    /** Inside a message already over the limit: its remaining fragments are dropped. */
    private boolean discarding;

    // Worker only (one at a time, in order).
    private ParticipantClaims claims;
    private LocalSession session;
    private int handledSinceRequest;

    InboundFrames(SignalingEvents events, NettyConnection connection, ParticipantClaims claims, Executor workers,
                  int maxMessageBytes) {
        this.events = events;
        this.connection = connection;
        this.claims = claims;
        this.workers = workers;
        this.maxMessageBytes = maxMessageBytes;
        enqueue(OPEN);
    }

    void closeStatus(WebSocketCloseStatus status) {
        closeCode = status.code();
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        s.request(WINDOW);
    }

    @Override
    public void onNext(WebSocketFrame frame) {
        // The frame is released after this returns: copy what is needed now.
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            partial = null;
            discarding = false;
            boolean text = frame instanceof TextWebSocketFrame;
            if (frame.isFinalFragment()) {
                enqueue(text ? new Text(frame.content().toString(StandardCharsets.UTF_8), System.nanoTime()) : BINARY);
                return;
            }
            partialIsText = text;
            partialLength = 0;
            partial = text ? new byte[Math.min(maxMessageBytes, Math.max(256, 2 * frame.content().readableBytes()))]
                    : null;
            append(frame.content(), false);
        } else if (frame instanceof ContinuationWebSocketFrame) {
            if (discarding) {
                discarding = !frame.isFinalFragment();
                subscription.request(1);
                return;
            }
            append(frame.content(), frame.isFinalFragment());
        } else if (frame instanceof PongWebSocketFrame) {
            enqueue(PONG);
        } else if (frame instanceof PingWebSocketFrame) {
            // Answered after the rate limit, from the mailbox: a ping flood is read no faster than it is handled.
            enqueue(new Ping(ByteBufUtil.getBytes(frame.content())));
        } else {
            subscription.request(1); // close frames end the flux
        }
    }

    private void append(ByteBuf content, boolean last) {
        int n = content.readableBytes();
        if (partialLength + n > maxMessageBytes) {
            partial = null;
            discarding = !last;
            enqueue(TOO_BIG);
            return;
        }
        if (partialIsText) {
            if (partialLength + n > partial.length) {
                partial = Arrays.copyOf(partial, Math.min(maxMessageBytes, Math.max(partialLength + n,
                        2 * partial.length)));
            }
            content.getBytes(content.readerIndex(), partial, partialLength, n);
        }
        partialLength += n;
        if (!last) {
            subscription.request(1);
            return;
        }
        Object message = partialIsText
                ? new Text(new String(partial, 0, partialLength, StandardCharsets.UTF_8), System.nanoTime()) : BINARY;
        partial = null;
        enqueue(message);
    }

    @Override
    public void onError(Throwable error) {
        if (error instanceof CorruptedWebSocketFrameException e && e.closeStatus() != null) {
            // Netty's decoder refused the frame and sent the close frame itself (1009 over the size limit, 1002, 1007).
            closeCode = e.closeStatus().code();
            if (closeCode == CloseCodes.TOO_BIG) {
                enqueue(TOO_BIG);
            }
        }
        enqueue(CLOSED);
    }

    @Override
    public void onComplete() {
        enqueue(CLOSED);
    }

    private void enqueue(Object event) {
        mailbox.offer(event);
        if (SCHEDULED.compareAndSet(this, 0, 1)) {
            workers.execute(this);
        }
    }

    @Override
    public void run() {
        for (int handled = 0; ; ) {
            Object event;
            while ((event = mailbox.poll()) != null) {
                try {
                    handle(event);
                } catch (RuntimeException e) {
                    // The logic handles bad input itself; this is a bug. Close this socket (as Tomcat did) rather
                    // than leave it open and deaf, and keep draining: its close event must still be handled.
                    log.error("handling a socket event failed; closing the socket", e);
                    connection.close(CloseCodes.INTERNAL, "internal error");
                }
                if (++handled == BATCH) {
                    workers.execute(this); // still scheduled: let other sockets' events in first
                    return;
                }
            }
            scheduled = 0;
            if (mailbox.isEmpty() || !SCHEDULED.compareAndSet(this, 0, 1)) {
                return;
            }
        }
    }

    private void handle(Object event) {
        if (event == OPEN) {
            ParticipantClaims c = claims;
            claims = null;
            session = events.onOpen(connection, c);
            return;
        }
        LocalSession s = session;
        if (event == CLOSED) {
            session = null;
            if (s != null) {
                events.onClose(s, closeCode);
            }
            return;
        }
        if (++handledSinceRequest == WINDOW / 2) {
            handledSinceRequest = 0;
            subscription.request(WINDOW / 2);
        }
        if (s == null) {
            return; // refused at open: nothing more to handle
        }
        if (event instanceof Text t) {
            events.onText(s, t.text(), t.receivedAtNanos());
        } else if (event == BINARY) {
            events.onBinary(s);
        } else if (event == TOO_BIG) {
            events.onTooBig(s);
        } else if (event == PONG) {
            events.onPong(s);
        } else if (event instanceof Ping p) {
            events.onPing(s);
            if (connection.isOpen()) {
                connection.pong(p.payload);
            }
        }
    }
}

package io.babelcall.signaling.transport;

import io.babelcall.signaling.session.ClientConnection;
import io.babelcall.signaling.session.LocalSession;
import io.babelcall.signaling.session.SignalingEvents;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * One socket, as a plain Jakarta {@link Endpoint} on Tomcat's container: the frames go straight from Tomcat to
 * {@link SignalingEvents}, without Spring's per-session wrapper (which keeps a copy of the handshake headers) and
 * per-message adapter and decorators. The handshake itself (origin, token, subprotocol) is still Spring's; see
 * {@link SignalingUpgradeStrategy}.
 *
 * <p>Takes partial text frames so the container's per-session buffers stay small (memory per idle socket) while
 * messages up to the configured maximum are assembled here; anything larger closes with 1009.
 */
public final class SignalingEndpoint extends Endpoint {

    private final SignalingEvents events;
    private final SignalingProperties props;
    private final SignalingMetrics metrics;
    private final Executor closer;
    /** Only until {@link #onOpen}. */
    private ParticipantClaims claims;
    private LocalSession local;
    /** The text message being assembled from partial frames, if any. */
    private StringBuilder partial;
    /** UTF-8 bytes of the message being assembled; -1 while discarding the rest of one over the limit. */
    private int partialBytes;

    public SignalingEndpoint(SignalingEvents events, SignalingProperties props, SignalingMetrics metrics,
                             Executor closer, ParticipantClaims claims) {
        this.events = events;
        this.props = props;
        this.metrics = metrics;
        this.closer = closer;
        this.claims = claims;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::onText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) this::onBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) this::onPong);
        TomcatConnection connection = new TomcatConnection(session, props.send().bufferChars(),
                props.send().timeLimit().toNanos(), closer, metrics);
        ParticipantClaims c = claims;
        claims = null;
        local = events.onOpen(connection, c);
    }

    private void onText(String chunk, boolean last) {
        LocalSession s = local;
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        if (last && partial == null) {
            // Fast path: the whole message in one buffer (the container buffer is far below the limit).
            events.onText(s, chunk, now);
            return;
        }
        if (partialBytes < 0) {
            // Already over the limit: discard the rest of this message.
            if (last) {
                partialBytes = 0;
            }
            return;
        }
        if (partial == null) {
            partial = new StringBuilder(chunk.length() * 2);
        }
        partialBytes += utf8Length(chunk);
        if (partialBytes > props.maxMessageBytes()) {
            partial = null;
            partialBytes = last ? 0 : -1;
            events.onTooBig(s);
            return;
        }
        partial.append(chunk);
        if (last) {
            String text = partial.toString();
            partial = null;
            partialBytes = 0;
            events.onText(s, text, now);
        }
    }

    private void onBinary(ByteBuffer part, boolean last) {
        LocalSession s = local;
        if (s == null) {
            return;
        }
        if (partialBytes >= 0) {
            partialBytes += part.remaining();
            if (partialBytes > props.maxMessageBytes()) {
                partialBytes = last ? 0 : -1;
                events.onTooBig(s);
                return;
            }
        }
        if (last) {
            boolean wasOver = partialBytes < 0;
            partialBytes = 0;
            if (!wasOver) {
                events.onBinary(s);
            }
        }
    }

    private void onPong(PongMessage pong) {
        LocalSession s = local;
        if (s != null) {
            events.onPong(s);
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        LocalSession s = local;
        local = null;
        if (s != null) {
            events.onClose(s, reason.getCloseCode().getCode());
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        // onClose follows; nothing to add.
    }

    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}

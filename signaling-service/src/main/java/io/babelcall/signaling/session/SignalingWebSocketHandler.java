package io.babelcall.signaling.session;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.TokenCarrier;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.Executor;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Adapts Spring's WebSocket callbacks to {@link SignalingEvents}. Takes partial text frames so the container's
 * per-session buffers stay small (memory per idle socket) while messages up to the configured maximum are assembled
 * here; anything larger closes with 1009. Answers the {@code bearer} subprotocol when the token came that way.
 */
public class SignalingWebSocketHandler extends AbstractWebSocketHandler implements SubProtocolCapable {

    static final String SESSION = "babelcall.session";

    private final SignalingEvents events;
    private final SignalingProperties props;
    private final SignalingMetrics metrics;
    private final Executor closer;

    public SignalingWebSocketHandler(SignalingEvents events, SignalingProperties props, SignalingMetrics metrics,
                                     Executor closer) {
        this.events = events;
        this.props = props;
        this.metrics = metrics;
        this.closer = closer;
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of(TokenCarrier.SUBPROTOCOL);
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession ws) {
        ParticipantClaims claims = (ParticipantClaims) ws.getAttributes().get(TokenHandshakeInterceptor.CLAIMS);
        Session nativeSession = ((NativeWebSocketSession) ws).getNativeSession(Session.class);
        TomcatConnection connection = new TomcatConnection(nativeSession, props.send().bufferBytes(),
                props.send().timeLimit().toNanos(), closer, metrics);
        LocalSession session = events.onOpen(connection, claims);
        if (session != null) {
            ws.getAttributes().put(SESSION, session);
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession ws, TextMessage message) {
        LocalSession s = (LocalSession) ws.getAttributes().get(SESSION);
        if (s == null) {
            return;
        }
        long now = System.nanoTime();
        String chunk = message.getPayload();
        if (message.isLast() && s.partial == null) {
            // Fast path: the whole message in one buffer (the container buffer is far below the limit).
            events.onText(s, chunk, now);
            return;
        }
        if (s.partialBytes < 0) {
            // Already over the limit: discard the rest of this message.
            if (message.isLast()) {
                s.partialBytes = 0;
            }
            return;
        }
        if (s.partial == null) {
            s.partial = new StringBuilder(chunk.length() * 2);
        }
        s.partialBytes += utf8Length(chunk);
        if (s.partialBytes > props.maxMessageBytes()) {
            s.partial = null;
            s.partialBytes = message.isLast() ? 0 : -1;
            events.onTooBig(s);
            return;
        }
        s.partial.append(chunk);
        if (message.isLast()) {
            String text = s.partial.toString();
            s.partial = null;
            s.partialBytes = 0;
            events.onText(s, text, now);
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession ws, BinaryMessage message) {
        LocalSession s = (LocalSession) ws.getAttributes().get(SESSION);
        if (s == null) {
            return;
        }
        if (s.partialBytes >= 0) {
            s.partialBytes += message.getPayloadLength();
            if (s.partialBytes > props.maxMessageBytes()) {
                s.partialBytes = message.isLast() ? 0 : -1;
                events.onTooBig(s);
                return;
            }
        }
        if (message.isLast()) {
            boolean wasOver = s.partialBytes < 0;
            s.partialBytes = 0;
            if (!wasOver) {
                events.onBinary(s);
            }
        }
    }

    @Override
    protected void handlePongMessage(WebSocketSession ws, PongMessage message) {
        LocalSession s = (LocalSession) ws.getAttributes().get(SESSION);
        if (s != null) {
            events.onPong(s);
        }
    }

    @Override
    public void handleTransportError(WebSocketSession ws, Throwable exception) {
        // The close callback follows; nothing to add.
    }

    @Override
    public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) {
        LocalSession s = (LocalSession) ws.getAttributes().remove(SESSION);
        if (s != null) {
            events.onClose(s, status.getCode());
        }
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

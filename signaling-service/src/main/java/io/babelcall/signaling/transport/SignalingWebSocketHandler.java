package io.babelcall.signaling.transport;

import io.babelcall.common.token.TokenCarrier;
import java.util.List;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * What Spring's handshake sees at {@code /ws}: it answers the {@code bearer} subprotocol when the token came that way.
 * The sockets themselves are served by {@link SignalingEndpoint} (see {@link SignalingUpgradeStrategy}), so these
 * callbacks are never reached; if another upgrade strategy were configured they would refuse the socket.
 */
public class SignalingWebSocketHandler implements WebSocketHandler, SubProtocolCapable {

    @Override
    public List<String> getSubProtocols() {
        return List.of(TokenCarrier.SUBPROTOCOL);
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws Exception {
        session.close(CloseStatus.SERVER_ERROR.withReason("not served by the signaling endpoint"));
    }

    @Override
    public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) {
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) {
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }
}

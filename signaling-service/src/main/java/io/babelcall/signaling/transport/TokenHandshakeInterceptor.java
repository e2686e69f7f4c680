package io.babelcall.signaling.transport;

import io.babelcall.signaling.session.SignalingHandler;
import io.babelcall.common.room.Participant;
import io.babelcall.common.token.InvalidTokenException;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.common.token.TokenCarrier;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.support.logging.CallLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Refuses the handshake before any socket exists: 401 for a missing, malformed, forged or expired token; 403 when the
 * room no longer lists the participant (removed, or the room is gone); 503 while shutting down. The refusal body is an
 * RFC 9457 problem.
 */
public class TokenHandshakeInterceptor implements HandshakeInterceptor {

    static final String CLAIMS = "babelcall.claims";
    private static final Logger log = LoggerFactory.getLogger(TokenHandshakeInterceptor.class);

    private final ParticipantTokens tokens;
    private final PresenceStore store;
    private final SignalingHandler handler;
    private final SignalingMetrics metrics;

    public TokenHandshakeInterceptor(ParticipantTokens tokens, PresenceStore store, SignalingHandler handler,
                                     SignalingMetrics metrics) {
        this.tokens = tokens;
        this.store = store;
        this.handler = handler;
        this.metrics = metrics;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                                   Map<String, Object> attributes) {
        if (!handler.acceptingConnections()) {
            return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "this replica is shutting down; retry");
        }
        List<String> protocols = request.getHeaders().get("Sec-WebSocket-Protocol");
        Optional<String> token = TokenCarrier.fromQuery(request.getURI().getRawQuery())
                .or(() -> protocols == null ? Optional.empty() : TokenCarrier.fromSubprotocols(String.join(",", protocols)));
        ParticipantClaims claims;
        try {
            claims = tokens.verify(token.orElse(null));
        } catch (InvalidTokenException e) {
            metrics.closed("invalid_token");
            log.info("refused a signaling handshake: {}", e.getMessage());
            return refuse(response, HttpStatus.UNAUTHORIZED, e.getMessage());
        }
        Participant p;
        try {
            p = store.participant(claims.roomId(), claims.participantId());
        } catch (RuntimeException e) {
            CallLog.warn(log, claims.roomId(), claims.participantId())
                    .log("cannot check participant {}: {}", claims.participantId(), e.toString());
            return refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "participant store unavailable; retry");
        }
        if (p == null) {
            metrics.closed("invalid_token");
            CallLog.info(log, claims.roomId(), claims.participantId()).log(
                    "refused a signaling handshake: room {} does not list participant {}", claims.roomId(),
                    claims.participantId());
            return refuse(response, HttpStatus.FORBIDDEN, "the room does not list this participant");
        }
        attributes.put(CLAIMS, claims);
        CallLog.at(log, Level.DEBUG, claims.roomId(), claims.participantId())
                .log("signaling handshake of {} in room {} accepted", claims.participantId(), claims.roomId());
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                               Exception exception) {
    }

    private static boolean refuse(ServerHttpResponse response, HttpStatus status, String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        String body = "{\"type\":\"about:blank\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":"
                + status.value() + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        try {
            response.getBody().write(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // status alone is enough
        }
        return false;
    }
}

package io.babelcall.signaling.transport;

import io.babelcall.signaling.session.SignalingEvents;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.ServerEndpointRegistration;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Spring's standard upgrade (after its origin check, our token interceptor and subprotocol negotiation), but the
 * socket is served by a {@link SignalingEndpoint} instead of Spring's session adapter: less memory per socket and no
 * per-message wrapping. The claims the interceptor verified travel in the handshake attributes.
 */
public class SignalingUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

    private final SignalingEvents events;
    private final SignalingProperties props;
    private final SignalingMetrics metrics;
    private final Executor closer;

    public SignalingUpgradeStrategy(SignalingEvents events, SignalingProperties props, SignalingMetrics metrics,
                                    Executor closer) {
        this.events = events;
        this.props = props;
        this.metrics = metrics;
        this.closer = closer;
    }

    @Override
    public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
                        List<WebSocketExtension> selectedExtensions, Principal user, WebSocketHandler wsHandler,
                        Map<String, Object> attrs) throws HandshakeFailureException {
        ParticipantClaims claims = (ParticipantClaims) attrs.get(TokenHandshakeInterceptor.CLAIMS);
        if (claims == null) {
            throw new HandshakeFailureException("no verified token for " + request.getURI().getPath());
        }
        HttpServletRequest servletRequest = getHttpServletRequest(request);
        ServerEndpointRegistration config = new NoExtensions(servletRequest.getRequestURI(),
                new SignalingEndpoint(events, props, metrics, closer, claims));
        config.setSubprotocols(Collections.singletonList(selectedProtocol));
        try {
            getContainer(servletRequest).upgradeHttpToWebSocket(new LeanHandshakeRequest(servletRequest),
                    getHttpServletResponse(response),
                    config, Collections.emptyMap());
        } catch (Exception ex) {
            throw new HandshakeFailureException("WebSocket upgrade failed for " + request.getURI().getPath(), ex);
        }
    }

    /**
     * Grants no extension, so no {@code permessage-deflate}, which every browser asks for: Tomcat would give each such
     * socket a zlib deflater and inflater (~145 KB measured, plus CPU per message) to compress messages of a few hundred
     * bytes. Tomcat negotiates extensions itself from the request header through this configuration, whatever Spring
     * selected, so this is the one place that decides.
     */
    static final class NoExtensions extends ServerEndpointRegistration {

        NoExtensions(String path, Endpoint endpoint) {
            super(path, endpoint);
        }

        @Override
        public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
            return List.of();
        }
    }

    /**
     * The handshake request as Tomcat keeps it for the socket's lifetime (its {@code WsSession} and upgrade handler
     * hold the query string, parameters and a copy of every header): without the query string (it carries the token)
     * and without the header list. Tomcat still reads the headers it needs for the handshake by name, and the token
     * was verified before; nothing reads them later. Saves memory per socket and keeps no bearer token around.
     */
    static final class LeanHandshakeRequest extends HttpServletRequestWrapper {

        LeanHandshakeRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getQueryString() {
            return null;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return Collections.emptyMap();
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.emptyEnumeration();
        }
    }
}

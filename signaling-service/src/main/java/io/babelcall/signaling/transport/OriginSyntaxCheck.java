package io.babelcall.signaling.transport;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.WebUtils;

/**
 * Refuses with 403 a handshake whose {@code Origin} header does not parse (e.g. {@code http://localhost:8080.evil.example}):
 * Spring's own origin check throws on it, which would answer 500 with a stack trace in the log. Runs first; a parsable
 * origin then goes through Spring's allowed-origins check as before.
 */
public class OriginSyntaxCheck implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                                   Map<String, Object> attributes) {
        try {
            WebUtils.isSameOrigin(request); // what Spring's check parses; the answer itself is Spring's to give
            return true;
        } catch (IllegalArgumentException e) { // NumberFormatException and InvalidUrlException included
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
                               Exception exception) {
    }
}

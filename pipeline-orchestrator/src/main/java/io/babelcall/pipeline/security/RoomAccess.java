package io.babelcall.pipeline.security;

import io.babelcall.common.token.InvalidTokenException;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.common.token.TokenCarrier;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;

/**
 * Checks the participant token of a request against the room it targets. Tokens come from
 * {@code Authorization: Bearer}, the {@code access_token} query parameter (for {@code <audio src>} and WebSockets)
 * or the {@code bearer, <token>} WebSocket subprotocol, in the order of {@link TokenCarrier}.
 */
public class RoomAccess {

    private final ParticipantTokens tokens;

    public RoomAccess(ParticipantTokens tokens) {
        this.tokens = tokens;
    }

    /** The token found on the request, if any. */
    public static Optional<String> token(ServerHttpRequest request) {
        HttpHeaders h = request.getHeaders();
        return TokenCarrier.fromAuthorization(h.getFirst(HttpHeaders.AUTHORIZATION))
                .or(() -> TokenCarrier.fromQuery(request.getURI().getRawQuery()))
                .or(() -> TokenCarrier.fromSubprotocols(String.join(",", h.getOrEmpty("Sec-WebSocket-Protocol"))));
    }

    /** Verifies the request's token; 401 when missing or invalid. */
    public ParticipantClaims authenticate(ServerHttpRequest request) {
        try {
            return tokens.verify(token(request).orElse(null));
        } catch (InvalidTokenException e) {
            throw problem(HttpStatus.UNAUTHORIZED, "invalid_token", e.getMessage());
        }
    }

    /** Verifies the token and that it belongs to {@code roomId}; 401 or 403 otherwise. */
    public ParticipantClaims authorize(ServerHttpRequest request, String roomId) {
        ParticipantClaims claims = authenticate(request);
        if (!claims.roomId().equals(roomId)) {
            throw problem(HttpStatus.FORBIDDEN, "wrong_room", "the token is not for this room");
        }
        return claims;
    }

    public static ErrorResponseException problem(HttpStatus status, String code, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setProperty("code", code);
        return new ErrorResponseException(status, pd, null);
    }
}

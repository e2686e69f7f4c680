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
import reactor.core.publisher.Mono;

/**
 * Checks the participant token of a request against the room it targets. Tokens come from
 * {@code Authorization: Bearer}, the {@code access_token} query parameter (for {@code <audio src>} and WebSockets)
 * or the {@code bearer, <token>} WebSocket subprotocol, in the order of {@link TokenCarrier}. A token outlives its
 * participant's membership (the api's DELETE does not revoke it), so requests also check {@link #requireMember}.
 */
public class RoomAccess {

    private final ParticipantTokens tokens;
    private final RoomMembership membership;

    public RoomAccess(ParticipantTokens tokens, RoomMembership membership) {
        this.tokens = tokens;
        this.membership = membership;
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

    /** The claims, once their participant is found in the room's participants hash; else 403 not_a_participant. */
    public Mono<ParticipantClaims> requireMember(ParticipantClaims claims) {
        return membership.isMember(claims.roomId(), claims.participantId())
                .flatMap(member -> member ? Mono.just(claims) : Mono.error(problem(HttpStatus.FORBIDDEN,
                        "not_a_participant", "the participant is no longer in the room (removed, left, or room gone)")));
    }

    public static ErrorResponseException problem(HttpStatus status, String code, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setProperty("code", code);
        return new ErrorResponseException(status, pd, null);
    }
}

package io.babelcall.api.token;

import io.babelcall.api.room.RoomStore;
import io.babelcall.common.token.InvalidTokenException;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.common.token.TokenCarrier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads and verifies the participant token of a request ({@code Authorization: Bearer}); 401/403 otherwise. */
@Component
public class BearerAuthenticator {

    private final ParticipantTokens tokens;
    private final RoomStore rooms;

    public BearerAuthenticator(ParticipantTokens tokens, RoomStore rooms) {
        this.tokens = tokens;
        this.rooms = rooms;
    }

    /**
     * The claims of the request's valid token whose participant is still in its room; {@link NotInRoomException}
     * once it left or was removed (the token itself stays valid until it expires).
     */
    public Mono<ParticipantClaims> authenticateMember(ServerHttpRequest request) {
        return Mono.fromCallable(() -> authenticate(request)).flatMap(claims -> rooms
                .isParticipant(claims.roomId(), claims.participantId())
                .flatMap(member -> member ? Mono.just(claims) : Mono.error(new NotInRoomException())));
    }

    /** The claims of the request's valid token, or {@link UnauthorizedException}. */
    public ParticipantClaims authenticate(ServerHttpRequest request) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        String token = TokenCarrier.fromAuthorization(header).orElseThrow(() -> new UnauthorizedException(
                InvalidTokenException.Reason.MISSING, "A participant token is required (Authorization: Bearer <token>)."));
        try {
            return tokens.verify(token);
        } catch (InvalidTokenException e) {
            throw new UnauthorizedException(e.reason(), switch (e.reason()) {
                case EXPIRED -> "The participant token has expired; join the room again.";
                case MISSING -> "A participant token is required.";
                default -> "The participant token is not valid.";
            });
        }
    }

    /** The claims, which must belong to exactly this room and participant (403 otherwise). */
    public ParticipantClaims authenticate(ServerHttpRequest request, String roomId, String participantId) {
        ParticipantClaims claims = authenticate(request);
        if (!claims.roomId().equals(roomId)) {
            throw new ForbiddenException("The participant token belongs to another room.");
        }
        if (!claims.participantId().equals(participantId)) {
            throw new ForbiddenException("The participant token belongs to another participant.");
        }
        return claims;
    }
}

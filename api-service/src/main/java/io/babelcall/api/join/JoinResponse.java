package io.babelcall.api.join;

import io.babelcall.api.ice.IceServers;
import io.babelcall.common.room.Participant;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** Answer of a join: who you are in the room, your token, and where to connect. */
public record JoinResponse(
        String roomId,
        String participantId,
        @Schema(description = "Participant token (JWT, HS256) scoped to this room and participant; "
                + "send as Authorization: Bearer, or as the WebSocket subprotocol pair 'bearer, <token>'")
        String token,
        @Schema(description = "When the token expires") Instant expiresAt,
        @Schema(example = "ws://localhost:8081/ws") String signalingUrl,
        @Schema(example = "ws://localhost:8082/ws/audio") String audioUrl,
        @Schema(example = "http://localhost:8082") String orchestratorUrl,
        @Schema(description = "Same object as GET /api/v1/ice-servers; usable as an RTCConfiguration")
        IceServers iceServers,
        Participant participant) {
}

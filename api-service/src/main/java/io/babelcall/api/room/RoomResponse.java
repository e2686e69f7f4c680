package io.babelcall.api.room;

import io.babelcall.common.room.Participant;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** Answer of {@code GET /api/v1/rooms/{roomId}}: the room and its current participants, by joining time. */
public record RoomResponse(
        String roomId,
        String joinUrl,
        @Schema(nullable = true) String name,
        int maxParticipants,
        Instant createdAt,
        Instant expiresAt,
        List<Participant> participants,
        @Schema(description = "ids of the participants connected to the call now (signaling's presence, including a"
                + " reconnect grace); the others were admitted but are not in the call")
        List<String> connectedParticipantIds) {
}

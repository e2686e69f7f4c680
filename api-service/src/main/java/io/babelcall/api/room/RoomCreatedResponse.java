package io.babelcall.api.room;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** Answer of {@code POST /api/v1/rooms}. */
public record RoomCreatedResponse(
        @Schema(description = "128-bit random id, URL-safe Base64 (22 characters)", example = "q3Jt0wq1V8yXb0m6Qe1c9w")
        String roomId,
        @Schema(description = "The page to share; opening it joins the room", example = "http://localhost:8080/r/q3Jt0wq1V8yXb0m6Qe1c9w")
        String joinUrl,
        String name,
        int maxParticipants,
        Instant createdAt,
        @Schema(description = "When the room expires unless there is activity (join, leave, get), which extends it")
        Instant expiresAt) {
}

package io.babelcall.common.room;

import java.time.Instant;

/** A call room as stored in Redis and returned by the api. */
public record Room(String roomId, String name, int maxParticipants, Instant createdAt, Instant expiresAt) {
}

package io.babelcall.pipeline.support;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.testsupport.SignalingPresence;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.ObjectMapper;

/** Creates rooms and participants in Redis the way the api does, and signs their tokens. */
public final class Rooms {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final Duration ROOM_TTL = Duration.ofHours(2);

    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final ParticipantTokens tokens;

    public Rooms(ReactiveStringRedisTemplate redis, ObjectMapper json, ParticipantTokens tokens) {
        this.redis = redis;
        this.json = json;
        this.tokens = tokens;
    }

    public String newRoom() {
        String roomId = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        redis.opsForHash().putAll(RedisKeys.room(roomId), Map.of("name", "test", "maxParticipants", "6",
                "createdAt", Instant.now().toString())).block();
        redis.expire(RedisKeys.room(roomId), ROOM_TTL).block();
        return roomId;
    }

    /**
     * Adds a participant to the room's participants hash, as the api does, and marks it connected in the presence
     * hash, as signaling does when its socket opens; returns its token.
     */
    public String join(String roomId, String participantId, String name, String spoken, String caption,
                       boolean dubbing) {
        String token = admitOnly(roomId, participantId, name, spoken, caption, dubbing);
        connect(roomId, participantId);
        return token;
    }

    /** Adds a participant to the participants hash only: admitted by the api, never connected to signaling. */
    public String admitOnly(String roomId, String participantId, String name, String spoken, String caption,
                            boolean dubbing) {
        Participant p = new Participant(participantId, name, LanguageCode.of(spoken), LanguageCode.of(caption), dubbing,
                Instant.now());
        redis.opsForHash().put(RedisKeys.participants(roomId), participantId, json.writeValueAsString(p)).block();
        redis.expire(RedisKeys.participants(roomId), ROOM_TTL).block();
        return token(roomId, participantId, name, spoken, caption, dubbing);
    }

    /** A presence entry as signaling writes it for an open socket. */
    public void connect(String roomId, String participantId) {
        redis.opsForHash().put(RedisKeys.presence(roomId), participantId, SignalingPresence.connectedEntry(participantId))
                .block();
        redis.expire(RedisKeys.presence(roomId), ROOM_TTL).block();
    }

    /**
     * What the api's {@code DELETE /api/v1/rooms/{id}/participants/{pid}} does in Redis (RoomStore's leave script):
     * HDEL of the participant, TTL of both room keys refreshed, {@code expiresAt} updated. Signaling's presence entry
     * stays until signaling notices.
     */
    public void removeAsTheApiDoes(String roomId, String participantId) {
        redis.opsForHash().remove(RedisKeys.participants(roomId), participantId).block();
        redis.expire(RedisKeys.room(roomId), ROOM_TTL).block();
        redis.expire(RedisKeys.participants(roomId), ROOM_TTL).block();
        redis.opsForHash().put(RedisKeys.room(roomId), "expiresAt", Instant.now().plus(ROOM_TTL).toString()).block();
    }

    public void leave(String roomId, String participantId) {
        redis.opsForHash().remove(RedisKeys.participants(roomId), participantId).block();
        redis.opsForHash().remove(RedisKeys.presence(roomId), participantId).block();
    }

    /** A token without adding the participant to the room. */
    public String token(String roomId, String participantId, String name, String spoken, String caption,
                        boolean dubbing) {
        Instant now = Instant.now();
        return tokens.sign(new ParticipantClaims(roomId, participantId, name, LanguageCode.of(spoken),
                LanguageCode.of(caption), dubbing, now, now.plus(Duration.ofHours(1)), UUID.randomUUID().toString()));
    }
}

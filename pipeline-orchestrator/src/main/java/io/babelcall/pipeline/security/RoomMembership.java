package io.babelcall.pipeline.security;

import io.babelcall.common.room.RedisKeys;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Whether a participant is still in its room: the room's participants hash ({@link RedisKeys#participants}), the
 * same data the socket handshakes check. The api's {@code DELETE}, signaling's leave and its reconnect-grace expiry
 * remove entries from it; a token stays valid until it expires, so every use of one is checked here again.
 */
public class RoomMembership {

    private final ReactiveStringRedisTemplate redis;

    public RoomMembership(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** One participant (HEXISTS); false when the room is gone. */
    public Mono<Boolean> isMember(String roomId, String participantId) {
        return redis.opsForHash().hasKey(RedisKeys.participants(roomId), participantId);
    }

    /** The ids of all the room's participants (HKEYS); empty when the room is gone. */
    public Mono<Set<String>> members(String roomId) {
        return redis.<String, String>opsForHash().keys(RedisKeys.participants(roomId)).collect(Collectors.toSet());
    }
}

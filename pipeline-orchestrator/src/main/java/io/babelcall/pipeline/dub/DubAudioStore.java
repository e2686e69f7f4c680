package io.babelcall.pipeline.dub;

import io.babelcall.common.room.RedisKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Dubbed WAVs under {@code RedisKeys.dubAudio(id)} for {@code babelcall.dub.ttl}. The id is 128 random bits
 * (unguessable); the value is the owning room id, a NUL byte, then the WAV, so a fetch can check that the token is of
 * the same room without a second key.
 */
public class DubAudioStore {

    /** A stored dub: its room and the WAV bytes. */
    // ArrayRecordComponent: a carrier of bytes handed on once, never compared, hashed or printed
    @SuppressWarnings("ArrayRecordComponent")
    public record DubAudio(String roomId, byte[] wav) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReactiveRedisTemplate<String, byte[]> redis;
    private final Duration ttl;

    public DubAudioStore(ReactiveRedisTemplate<String, byte[]> redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    /** Stores a WAV and returns its id. */
    public Mono<String> store(String roomId, byte[] wav) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String audioId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        byte[] room = roomId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer value = ByteBuffer.allocate(room.length + 1 + wav.length).put(room).put((byte) 0).put(wav);
        return redis.opsForValue().set(RedisKeys.dubAudio(audioId), value.array(), ttl).thenReturn(audioId);
    }

    public Mono<DubAudio> find(String audioId) {
        return redis.opsForValue().get(RedisKeys.dubAudio(audioId)).mapNotNull(v -> {
            for (int i = 0; i < v.length; i++) {
                if (v[i] == 0) {
                    return new DubAudio(new String(v, 0, i, StandardCharsets.UTF_8), Arrays.copyOfRange(v, i + 1, v.length));
                }
            }
            return null;
        });
    }

    /** URL path announced in {@code dub} events. */
    public static String path(String audioId) {
        return "/api/v1/audio/" + audioId;
    }
}

package io.babelcall.pipeline.speech;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The room's current participants from the participants hash, read per utterance and cached for a short time
 * ({@code babelcall.pipeline.listener-cache-ttl}) so a busy room costs one HVALS per second, not one per event.
 * Unparseable entries are skipped (and logged), never fatal.
 */
public class ListenerDirectory {

    private static final Logger log = LoggerFactory.getLogger(ListenerDirectory.class);
    private static final int MAX_CACHED_ROOMS = 10_000;

    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final Duration ttl;
    private final Map<String, Mono<List<Participant>>> cache = new ConcurrentHashMap<>();

    public ListenerDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, Duration ttl) {
        this.redis = redis;
        this.json = json;
        this.ttl = ttl;
    }

    public Mono<List<Participant>> participants(String roomId) {
        if (ttl.isZero()) {
            return load(roomId);
        }
        if (cache.size() > MAX_CACHED_ROOMS) {
            cache.clear();
        }
        return cache.computeIfAbsent(roomId, id -> load(id).cache(v -> ttl, e -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** One participant, uncached (the handshake needs the current truth). */
    public Mono<Participant> participant(String roomId, String participantId) {
        return redis.<String, String>opsForHash().get(RedisKeys.participants(roomId), participantId)
                .mapNotNull(this::parse);
    }

    private Mono<List<Participant>> load(String roomId) {
        return redis.<String, String>opsForHash().values(RedisKeys.participants(roomId))
                .mapNotNull(this::parse)
                .collectList();
    }

    private Participant parse(String value) {
        try {
            return json.readValue(value, Participant.class);
        } catch (RuntimeException e) {
            log.warn("skipping unparseable participant entry: {}", e.getMessage());
            return null;
        }
    }
}

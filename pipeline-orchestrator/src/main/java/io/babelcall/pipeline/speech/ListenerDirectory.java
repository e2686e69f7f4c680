package io.babelcall.pipeline.speech;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The room's listeners: the participants of its participants hash that are connected to signaling (an entry in the
 * room's presence hash, which signaling keeps while a socket is open and through the reconnect grace). Someone the api
 * admitted who never opened the call, or whose replica died, is no listener: nothing is translated or dubbed for them.
 * Read per utterance and cached for a short time ({@code babelcall.pipeline.listener-cache-ttl}) so a busy room costs
 * about one HVALS + HKEYS per second, not one per event. While someone speaks the list is refreshed ahead of need
 * ({@link #prefetch}), so the end of an utterance finds it in memory instead of waiting for Redis on the way to its
 * translations. Unparseable entries are skipped (and logged), never fatal. While Redis does not answer (an outage),
 * the room's last list read is used: the finals spoken meanwhile are still translated, for the transcript and for the
 * listeners once Redis is back.
 */
public class ListenerDirectory {

    private static final Logger log = LoggerFactory.getLogger(ListenerDirectory.class);
    private static final int MAX_CACHED_ROOMS = 10_000;
    /** Reactor's "never expires" (no expiry timer is scheduled); the age of an entry is checked here instead. */
    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final long ttlNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, List<Participant>> lastRead = new ConcurrentHashMap<>();

    /** A read of one room's list (replayed to every caller; a failed read is retried by the next) and its start. */
    private record Cached(Mono<List<Participant>> participants, long readAtNanos) {

        boolean youngerThan(long maxAgeNanos, long now) {
            return now - readAtNanos <= maxAgeNanos;
        }
    }

    public ListenerDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, Duration ttl) {
        this(redis, json, ttl, System::nanoTime);
    }

    /** {@code nanoClock} tells the age of a cached list (tests pass their own). */
    public ListenerDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, Duration ttl,
                             LongSupplier nanoClock) {
        this.redis = redis;
        this.json = json;
        this.ttlNanos = ttl.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The room's participants connected to signaling, read at most {@code listener-cache-ttl} ago. */
    public Mono<List<Participant>> connectedParticipants(String roomId) {
        return ttlNanos == 0 ? load(roomId) : cached(roomId, ttlNanos).participants();
    }

    /**
     * Starts a fresh read when the cached list is older than half the TTL, without waiting for it. Called for every
     * frame of speech: a list read during the utterance is still valid when it ends (hangover included).
     */
    @SuppressWarnings("ReferenceEquality") // identity is the point: was a new read created just now?
    public void prefetch(String roomId) {
        if (ttlNanos == 0) {
            return;
        }
        Cached before = cache.get(roomId);
        Cached c = cached(roomId, ttlNanos / 2);
        if (c != before) { // a new read: start it now (failures surface at use)
            c.participants().subscribe(v -> { }, e -> { });
        }
    }

    private Cached cached(String roomId, long maxAgeNanos) {
        long now = nanoClock.getAsLong();
        Cached c = cache.get(roomId);
        if (c != null && c.youngerThan(maxAgeNanos, now)) {
            return c;
        }
        if (cache.size() > MAX_CACHED_ROOMS) {
            cache.clear();
        }
        if (lastRead.size() > MAX_CACHED_ROOMS) {
            lastRead.clear();
        }
        return cache.compute(roomId, (id, old) -> old != null && old.youngerThan(maxAgeNanos, now) ? old
                : new Cached(load(id).cache(v -> FOREVER, e -> Duration.ZERO, () -> Duration.ZERO), now));
    }

    /** One participant, uncached (the handshake needs the current truth). */
    public Mono<Participant> participant(String roomId, String participantId) {
        return redis.<String, String>opsForHash().get(RedisKeys.participants(roomId), participantId)
                .mapNotNull(this::parse);
    }

    private Mono<List<Participant>> load(String roomId) {
        // Both commands go out together on the shared connection: one round trip.
        Mono<List<Participant>> listed = redis.<String, String>opsForHash().values(RedisKeys.participants(roomId))
                .mapNotNull(this::parse)
                .collectList();
        Mono<Set<String>> connected = redis.<String, String>opsForHash().keys(RedisKeys.presence(roomId))
                .collect(Collectors.toSet());
        return Mono.zip(listed, connected, (participants, present) -> participants.stream()
                        .filter(p -> present.contains(p.participantId()))
                        .toList())
                .doOnNext(participants -> lastRead.put(roomId, participants))
                .onErrorResume(e -> {
                    List<Participant> last = lastRead.get(roomId);
                    if (last == null) {
                        return Mono.error(e);
                    }
                    log.debug("listeners of room {} unreadable ({}); using the last list read", roomId, e.toString());
                    return Mono.just(last);
                });
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

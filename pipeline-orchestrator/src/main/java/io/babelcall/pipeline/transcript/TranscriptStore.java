package io.babelcall.pipeline.transcript;

import io.babelcall.common.room.RedisKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The room transcript: a Redis Stream capped at {@code babelcall.transcript.max-entries} (approximate trimming), whose
 * TTL follows the room's (re-applied on every append; {@code default-ttl} when the room key has none).
 */
public class TranscriptStore {

    private static final Logger log = LoggerFactory.getLogger(TranscriptStore.class);
    static final String FIELD = "entry";

    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final TranscriptProperties props;

    public TranscriptStore(ReactiveStringRedisTemplate redis, ObjectMapper json, TranscriptProperties props) {
        this.redis = redis;
        this.json = json;
        this.props = props;
    }

    public Mono<Void> append(String roomId, TranscriptEntry entry) {
        String key = RedisKeys.transcript(roomId);
        return Mono.fromCallable(() -> json.writeValueAsString(entry))
                .flatMap(value -> redis.opsForStream().add(
                        StreamRecords.newRecord().in(key).ofMap(Map.of(FIELD, value)),
                        XAddOptions.maxlen(props.maxEntries()).approximateTrimming(true)))
                .then(redis.getExpire(RedisKeys.room(roomId)).defaultIfEmpty(Duration.ZERO))
                .flatMap(roomTtl -> redis.expire(key,
                        roomTtl.isZero() || roomTtl.isNegative() ? props.defaultTtl() : roomTtl))
                .then();
    }

    /**
     * All entries in order (at most max-entries, by the cap), the first of each utterance only: a write retried after
     * a Redis outage may have been stored by its first try too ({@link TranscriptWriter}).
     */
    public Mono<List<TranscriptEntry>> read(String roomId) {
        return redis.<String, String>opsForStream().range(RedisKeys.transcript(roomId), Range.unbounded())
                .mapNotNull(r -> {
                    Object v = r.getValue().get(FIELD);
                    try {
                        return v == null ? null : json.readValue(v.toString(), TranscriptEntry.class);
                    } catch (RuntimeException e) {
                        log.warn("skipping unreadable transcript entry {}: {}", r.getId(), e.getMessage());
                        return null;
                    }
                })
                .collect(LinkedHashMap<String, TranscriptEntry>::new, (byUtterance, entry) ->
                        byUtterance.putIfAbsent(entry.utteranceId(), entry))
                .map(byUtterance -> List.copyOf(byUtterance.values()));
    }
}

package io.babelcall.pipeline.tap;

import io.babelcall.common.media.TapEndpoint;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.speech.ListenerDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * The speech tap's Redis contract (docs/media.md): the SSRC mappings that signaling writes, and this replica's
 * endpoint and load that signaling reads.
 */
public class TapDirectory {

    private static final Logger log = LoggerFactory.getLogger(TapDirectory.class);

    /** A mapping and the participant it names, as the participants hash has it now. */
    record Start(TapMapping mapping, Participant participant) {
    }

    private final ReactiveStringRedisTemplate redis;
    private final ObjectMapper json;
    private final ListenerDirectory participants;

    public TapDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, ListenerDirectory participants) {
        this.redis = redis;
        this.json = json;
        this.participants = participants;
    }

    static String key(int ssrc) {
        return RedisKeys.tap(Integer.toUnsignedLong(ssrc));
    }

    /** The mapping of {@code ssrc} and its participant; empty when either is missing or the mapping is invalid. */
    Mono<Start> lookup(int ssrc) {
        return redis.opsForValue().get(key(ssrc))
                .mapNotNull(value -> parse(ssrc, value))
                .flatMap(m -> participants.participant(m.roomId(), m.participantId())
                        .map(p -> new Start(m, p))
                        .switchIfEmpty(Mono.fromRunnable(() -> log.info(
                                "SSRC {} is mapped to {} of room {}, who is not a participant: packets dropped",
                                Integer.toUnsignedString(ssrc), m.participantId(), m.roomId()))));
    }

    /** The current mappings of {@code ssrcs}, in order; null where there is none (or an invalid one). */
    Mono<List<TapMapping>> mappings(List<Integer> ssrcs) {
        if (ssrcs.isEmpty()) {
            return Mono.just(List.of());
        }
        return redis.opsForValue().multiGet(ssrcs.stream().map(TapDirectory::key).toList()).map(values -> {
            List<TapMapping> out = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                out.add(v == null ? null : parse(ssrcs.get(i), v));
            }
            return out;
        });
    }

    /** Announces this replica's endpoint and load for {@code ttl}; adds it to the replica set. */
    Mono<Void> publish(String replicaId, TapEndpoint endpoint, Duration ttl) {
        return redis.opsForValue().set(RedisKeys.tapReplica(replicaId), json.writeValueAsString(endpoint), ttl)
                .then(redis.opsForSet().add(RedisKeys.TAP_REPLICAS, replicaId))
                .then();
    }

    /** Withdraws this replica: signaling stops sending new taps here and moves the others. */
    Mono<Void> withdraw(String replicaId) {
        return redis.delete(RedisKeys.tapReplica(replicaId))
                .then(redis.opsForSet().remove(RedisKeys.TAP_REPLICAS, replicaId))
                .then();
    }

    private TapMapping parse(int ssrc, String value) {
        try {
            TapMapping m = json.readValue(value, TapMapping.class);
            String problem = m == null ? "null" : m.problem();
            if (problem == null) {
                return m;
            }
            log.warn("invalid mapping for SSRC {}: {}", Integer.toUnsignedString(ssrc), problem);
        } catch (RuntimeException e) {
            log.warn("unparseable mapping for SSRC {}: {}", Integer.toUnsignedString(ssrc), e.getClass().getSimpleName());
        }
        return null;
    }
}

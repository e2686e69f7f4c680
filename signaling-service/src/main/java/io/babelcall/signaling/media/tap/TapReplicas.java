package io.babelcall.signaling.media.tap;

import io.babelcall.signaling.config.FireAndForget;
import io.babelcall.common.media.TapEndpoint;
import io.babelcall.common.room.RedisKeys;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The orchestrator replicas that receive forwarded RTP, as they publish themselves in Redis
 * ({@code orchestrator:tap-replicas}, {@code orchestrator:tap-replica:{id}} with a 1.5 s TTL): an endpoint key that
 * exists belongs to a live replica. Picks the least loaded one for a new forward, counting the forwards this replica
 * assigned since the loads were last read, so a burst of publishers spreads. Not thread-safe: used from the taps'
 * single thread.
 */
final class TapReplicas {

    private static final Logger log = LoggerFactory.getLogger(TapReplicas.class);

    private final RedisClusterAsyncCommands<String, String> redis;
    private final ObjectMapper json;
    /** Forwards assigned to each replica since its load was last read. */
    private final Map<String, Integer> assignedSinceRead = new HashMap<>();

    TapReplicas(RedisClusterAsyncCommands<String, String> redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    /** A live replica to forward to: its id and endpoint. */
    record Replica(String id, TapEndpoint endpoint) {
    }

    /** The live replicas now (ids whose endpoint is gone are removed from the set). */
    CompletableFuture<List<Replica>> live() {
        return redis.smembers(RedisKeys.TAP_REPLICAS).toCompletableFuture()
                .thenCompose(ids -> endpoints(ids).thenApply(found -> {
                    List<String> gone = new ArrayList<>(ids);
                    gone.removeAll(found.keySet());
                    if (!gone.isEmpty()) {
                        FireAndForget.logFailure(redis.srem(RedisKeys.TAP_REPLICAS, gone.toArray(String[]::new)), log,
                                "forgetting gone tap replicas");
                    }
                    List<Replica> out = new ArrayList<>();
                    found.forEach((id, e) -> out.add(new Replica(id, e)));
                    return out;
                }));
    }

    /** The endpoints of {@code ids} that exist now (a missing id is a dead or stopped replica). */
    CompletableFuture<Map<String, TapEndpoint>> endpoints(Set<String> ids) {
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> order = new ArrayList<>(ids);
        String[] keys = order.stream().map(RedisKeys::tapReplica).toArray(String[]::new);
        return redis.mget(keys).toCompletableFuture().thenApply(values -> {
            Map<String, TapEndpoint> out = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                KeyValue<String, String> kv = values.get(i);
                TapEndpoint e = kv.hasValue() ? parse(order.get(i), kv.getValue()) : null;
                if (e != null) {
                    out.put(order.get(i), e);
                }
            }
            return out;
        });
    }

    /** The least loaded of {@code live} (ties at random), counted as one more forward; null when there is none. */
    Replica pick(List<Replica> live) {
        Replica best = null;
        int bestLoad = Integer.MAX_VALUE;
        int ties = 0;
        for (Replica r : live) {
            int load = r.endpoint().taps() + assignedSinceRead.getOrDefault(r.id(), 0);
            if (load < bestLoad) {
                best = r;
                bestLoad = load;
                ties = 1;
            } else if (load == bestLoad && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                best = r; // reservoir choice: each tied replica equally likely
            }
        }
        if (best != null) {
            assignedSinceRead.merge(best.id(), 1, Integer::sum);
        }
        return best;
    }

    /** Loads were read again (they include what was assigned before). */
    void loadsRead() {
        assignedSinceRead.clear();
    }

    private TapEndpoint parse(String id, String value) {
        try {
            TapEndpoint e = json.readValue(value, TapEndpoint.class);
            if (e.host() == null || e.host().isBlank() || e.port() < 1 || e.port() > 65535) {
                log.warn("orchestrator tap replica {} publishes an unusable endpoint; ignored", id);
                return null;
            }
            return e;
        } catch (RuntimeException ex) {
            log.warn("orchestrator tap replica {} publishes an endpoint that is not JSON; ignored", id);
            return null;
        }
    }
}

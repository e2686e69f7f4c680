package io.babelcall.signaling.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides when another signaling replica is dead, on evidence that survives a Redis outage. A replica's liveness key
 * can vanish for two reasons: the replica died, or Redis was unreachable for longer than the key's TTL, for everyone.
 * In the second case every replica refreshes its key within a refresh interval of Redis coming back, so a replica is
 * declared dead only when its key has been missing for a whole confirmation window during which this replica's own
 * Redis calls all succeeded; any failure of ours restarts the window. Used by the sweep thread only, except
 * {@link #redisFailed}, which any thread may call.
 */
public final class DeadReplicaDetector {

    private final long confirmNanos;
    private final Map<String, Long> missingSince = new HashMap<>();
    private volatile boolean redisFailed;

    /** {@code confirmNanos}: how long a key must be seen missing, with Redis working, to confirm a death. */
    public DeadReplicaDetector(long confirmNanos) {
        this.confirmNanos = confirmNanos;
    }

    /** One of this replica's Redis calls failed: what was observed so far proves nothing. */
    public void redisFailed() {
        redisFailed = true;
    }

    /**
     * The replicas confirmed dead, given those whose key is missing now ({@code missingNow}, read successfully at
     * {@code nowNanos}). A replica whose key is back is forgotten.
     */
    public List<String> confirmDead(List<String> missingNow, long nowNanos) {
        if (redisFailed) {
            redisFailed = false;
            missingSince.clear();
        }
        missingSince.keySet().retainAll(missingNow);
        List<String> dead = new ArrayList<>();
        for (String id : missingNow) {
            long since = missingSince.computeIfAbsent(id, k -> nowNanos);
            if (nowNanos - since >= confirmNanos) {
                dead.add(id);
            }
        }
        return dead;
    }

    /** A dead replica was swept: its record can go. */
    public void forget(String replicaId) {
        missingSince.remove(replicaId);
    }
}

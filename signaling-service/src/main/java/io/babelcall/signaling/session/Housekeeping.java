package io.babelcall.signaling.session;

import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.presence.DeadReplicaDetector;
import io.babelcall.signaling.presence.PresenceStore;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic work over every local session, called by {@code ReplicaHeartbeat}'s scheduler thread: WebSocket pings
 * and the heartbeat timeout; sweeping the participants of dead replicas; closing sessions the room no longer lists;
 * refreshing the TTL of rooms in use.
 */
final class Housekeeping {

    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final PresenceStore store;
    private final LocalRooms rooms;
    private final Outbound out;
    private final SessionLifecycle lifecycle;
    private final long heartbeatTimeoutNanos;
    private final long ttlRefreshNanos;
    private final DeadReplicaDetector deaths;

    Housekeeping(SignalingProperties props, PresenceStore store, LocalRooms rooms, Outbound out,
                 SessionLifecycle lifecycle) {
        this.store = store;
        this.rooms = rooms;
        this.out = out;
        this.lifecycle = lifecycle;
        this.heartbeatTimeoutNanos = props.heartbeat().timeout().toNanos();
        this.ttlRefreshNanos = props.roomTtlRefresh().toNanos();
        // A replica's key missing for a whole TTL while our own Redis works: it did not just miss an outage.
        this.deaths = new DeadReplicaDetector(props.presence().replicaTtl().toNanos());
    }

    /** A Redis call of this replica failed (e.g. the liveness refresh): restart the death evidence. */
    void redisFailed() {
        deaths.redisFailed();
    }

    /** Pings every socket; closes those silent for longer than the heartbeat timeout (4001). */
    void heartbeat() {
        long now = System.nanoTime();
        for (LocalRoom room : rooms.all()) {
            for (LocalSession s : room.sessions.values()) {
                if (s.state != LocalSession.State.OPEN) {
                    continue;
                }
                if (now - s.lastInboundNanos > heartbeatTimeoutNanos) {
                    s.leaveReason = "timeout";
                    out.close(s, CloseCodes.HEARTBEAT_TIMEOUT, "heartbeat timeout", "heartbeat");
                } else {
                    s.connection.ping();
                }
            }
        }
    }

    /**
     * Sweeps the participants of replicas confirmed dead ({@link DeadReplicaDetector}: not just missed during an outage;
     * peer-left {@code timeout}), closes local sessions the room no longer lists (peer-left {@code removed}, close 4003)
     * and refreshes the TTL of rooms with local sessions.
     */
    void sweep() {
        try {
            sweepReplicasAndRooms();
        } catch (RuntimeException e) {
            deaths.redisFailed();
            throw e;
        }
    }

    private void sweepReplicasAndRooms() {
        List<String> missing = store.deadReplicas();
        for (String dead : deaths.confirmDead(missing, System.nanoTime())) {
            int n = 0;
            for (String[] member : store.members(dead)) {
                if (store.removeIfReplica(member[0], member[1], dead)) {
                    out.peerLeft(member[0], member[1], "timeout");
                    n++;
                }
            }
            store.forgetReplica(dead);
            deaths.forget(dead);
            log.info("swept dead signaling replica {}: {} participant(s) left", dead, n);
        }
        long now = System.nanoTime();
        for (LocalRoom room : rooms.all()) {
            Set<String> listed = store.listedIds(room.roomId);
            for (LocalSession s : room.sessions.values()) {
                if (s.state == LocalSession.State.OPEN && !listed.contains(s.participantId)) {
                    lifecycle.removed(s);
                }
            }
            if (now - room.lastTtlRefreshNanos > ttlRefreshNanos) {
                room.lastTtlRefreshNanos = now;
                store.refreshRoomTtl(room.roomId);
            }
        }
    }
}

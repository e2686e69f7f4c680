package io.babelcall.signaling.session;

import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.relay.Envelope;
import io.babelcall.signaling.relay.ReplicaBus;

/**
 * Routes an offer, answer or ICE candidate to the one participant it names. Local target: handed to its socket without
 * touching Redis (the hot path). Target on another replica: one fire-and-forget PUBLISH to that replica's channel, or
 * to the room's when its replica is not known yet. Runs on the sender's frame thread, or on the bus listener's
 * thread for relays arriving from other replicas.
 */
final class RelayRouter {

    private final SignalingMetrics metrics;
    private final ReplicaBus bus;
    private final Outbound out;
    private final String replicaId;

    RelayRouter(SignalingMetrics metrics, ReplicaBus bus, Outbound out) {
        this.metrics = metrics;
        this.bus = bus;
        this.out = out;
        this.replicaId = bus.replicaId();
    }

    /** Relays {@code json} (what the target receives, {@code from} already set) from {@code s} to {@code to}. */
    void relay(LocalSession s, String to, String json, String type, long receivedAtNanos) {
        if (to == null || to.isBlank()) {
            out.error(s, "missing_field", type + " needs 'to' (a participant id)");
            return;
        }
        if (to.equals(s.participantId)) {
            out.error(s, "invalid_field", "cannot relay to yourself");
            return;
        }
        LocalRoom room = s.room;
        LocalSession target = room.sessions.get(to);
        if (target != null) {
            if (target.connection.send(json)) {
                metrics.messageOut(type, 1);
                metrics.relayLatencyNanos(System.nanoTime() - receivedAtNanos);
            } else {
                metrics.dropped("slow_consumer");
            }
        } else if (room.roster.containsKey(to)) {
            String where = room.replicaOf.get(to);
            if (where == null) {
                // Replica not known yet: every replica of the room receives it and the one holding `to` delivers.
                bus.publish(s.roomId, new Envelope(Envelope.RELAY, replicaId, Outbound.nowMicros(), to, json));
            } else if (where.equals(replicaId)) {
                metrics.dropped("unknown_peer"); // its socket here is down (within the grace): dropped silently
            } else {
                bus.relay(where, s.roomId, to, Outbound.nowMicros(), json);
            }
        } else {
            metrics.dropped("unknown_peer");
            out.error(s, "unknown_peer", "no such participant in this room");
        }
    }

    /** A relay from another replica for {@code to}, if its socket is here. */
    void deliver(LocalRoom room, String to, long publishedAtMicros, String json) {
        LocalSession target = room == null ? null : room.sessions.get(to);
        if (target != null && target.connection.send(json)) {
            metrics.messageOut(Outbound.typeOf(json), 1);
            metrics.relayLatencyNanos((Outbound.nowMicros() - publishedAtMicros) * 1000);
        } else {
            metrics.dropped(target == null ? "unknown_peer" : "slow_consumer");
        }
    }
}

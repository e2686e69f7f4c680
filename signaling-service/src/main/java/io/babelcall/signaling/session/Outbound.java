package io.babelcall.signaling.session;

import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.PeerLeft;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.relay.Envelope;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.support.logging.CallLog;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;

/**
 * Everything the server says: one message to one socket, a fan-out to a room (local sockets, then one PUBLISH for the
 * other replicas), and closing a socket with its reason. Every fan-out is serialized once and the same string handed
 * to every socket. Runs on the caller's thread; sockets only enqueue, so nothing here blocks on a client.
 */
final class Outbound {

    private static final Logger log = LoggerFactory.getLogger(Outbound.class);

    private final ObjectWriter writer;
    private final SignalingMetrics metrics;
    private final ReplicaBus bus;
    private final LocalRooms rooms;
    private final String replicaId;

    Outbound(ObjectMapper json, SignalingMetrics metrics, ReplicaBus bus, LocalRooms rooms) {
        this.writer = json.writerFor(ServerMessage.class);
        this.metrics = metrics;
        this.bus = bus;
        this.rooms = rooms;
        this.replicaId = bus.replicaId();
    }

    String replicaId() {
        return replicaId;
    }

    String json(ServerMessage m) {
        return writer.writeValueAsString(m);
    }

    void send(LocalSession s, String type, ServerMessage m) {
        if (s.connection.send(json(m))) {
            metrics.messageOut(type, 1);
        }
    }

    void error(LocalSession s, String code, String message) {
        send(s, "error", new ErrorMessage(code, message));
    }

    /** To every socket of the room but {@code except}'s, here and (as envelope {@code kind}) on other replicas. */
    void broadcast(String roomId, LocalRoom room, String except, char kind, String type, ServerMessage m) {
        String out = json(m);
        if (room != null) {
            metrics.messageOut(type, deliverLocal(room, except, out));
        }
        bus.publish(roomId, new Envelope(kind, replicaId, nowMicros(), except, out));
    }

    /** Hands {@code json} to every open local socket of {@code room} but {@code except}'s; returns how many took it. */
    int deliverLocal(LocalRoom room, String except, String json) {
        int n = 0;
        for (LocalSession s : room.sessions.values()) {
            if (s.state == LocalSession.State.OPEN && !s.participantId.equals(except)) {
                if (s.connection.send(json)) {
                    n++;
                } else {
                    metrics.dropped("slow_consumer");
                }
            }
        }
        return n;
    }

    /** Forgets {@code pid} in this replica's view of the room and tells everyone it left. */
    void peerLeft(String roomId, String pid, String reason) {
        LocalRoom room = rooms.get(roomId);
        if (room != null) {
            room.roster.remove(pid);
            room.replicaOf.remove(pid);
        }
        broadcast(roomId, room, pid, Envelope.LEFT, "peer-left", new PeerLeft(pid, reason));
    }

    /** Closes one socket, counting the cause and logging who and why. */
    void close(LocalSession s, int code, String reason, String cause) {
        metrics.closed(cause);
        CallLog.warn(log, s.roomId, s.participantId).log("closing the socket of {} in room {}: {} ({})",
                s.participantId, s.roomId, reason, code);
        s.connection.close(code, reason);
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The {@code type} of JSON this service wrote (the type id is always its first property). */
    static String typeOf(String json) {
        if (json.startsWith("{\"type\":\"ice\"")) {
            return "ice";
        }
        if (json.startsWith("{\"type\":\"")) {
            int end = json.indexOf('"', 9);
            if (end > 9) {
                return json.substring(9, end);
            }
        }
        return "unknown";
    }
}

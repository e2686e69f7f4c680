package io.babelcall.signaling.session;

import io.babelcall.common.signaling.Peer;
import io.babelcall.common.signaling.PeerJoined;
import io.babelcall.common.signaling.PeerUpdated;
import io.babelcall.common.signaling.Welcome;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceEntry;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.relay.Envelope;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.support.logging.CallLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A participant's presence from socket open to peer-left: joining (presence in Redis, welcome, peer-joined or
 * peer-updated on a reconnect, taking over a socket on another replica), the reconnect grace after a socket closes
 * without {@code leave}, leaving, removal, and closing every socket at shutdown.
 *
 * <p>Open, close and leave run on the socket's frame thread; grace expiries on this class's own single timer thread
 * ({@code signaling-grace}).
 */
final class SessionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

    private final SignalingProperties props;
    private final PresenceStore store;
    private final ReplicaBus bus;
    private final SignalingMetrics metrics;
    private final LocalRooms rooms;
    private final Outbound out;
    private final MediaSignaling media;
    private final String replicaId;
    private final ScheduledExecutorService timers;
    private volatile boolean shuttingDown;

    SessionLifecycle(SignalingProperties props, PresenceStore store, ReplicaBus bus, SignalingMetrics metrics,
                     LocalRooms rooms, Outbound out, MediaSignaling media) {
        this.props = props;
        this.store = store;
        this.bus = bus;
        this.metrics = metrics;
        this.rooms = rooms;
        this.out = out;
        this.media = media;
        this.replicaId = bus.replicaId();
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "signaling-grace");
            t.setDaemon(true);
            return t;
        });
    }

    boolean acceptingConnections() {
        return !shuttingDown;
    }

    LocalSession open(ClientConnection connection, ParticipantClaims claims) {
        if (shuttingDown) {
            connection.close(CloseCodes.SERVICE_RESTART, "service restart");
            return null;
        }
        String roomId = claims.roomId();
        String pid = claims.participantId();
        LocalRoom room = rooms.acquire(roomId);
        try {
            // Subscribed before presence is written, so no peer event published after our arrival is missed.
            room.subscribed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            CallLog.warn(log, roomId, pid).log("cannot subscribe to room {}: {}", roomId, e.toString());
            rooms.release(room);
            connection.close(CloseCodes.INTERNAL, "redis unavailable");
            return null;
        }
        PresenceStore.Connected c;
        try {
            c = store.connect(roomId, pid,
                    new PresenceEntry(replicaId, connection.id(), false, false, PresenceEntry.CONNECTED));
        } catch (RuntimeException e) {
            CallLog.warn(log, roomId, pid).log("cannot register presence of {} in room {}: {}", pid, roomId,
                    e.toString());
            rooms.release(room);
            connection.close(CloseCodes.INTERNAL, "redis unavailable");
            return null;
        }
        if (c == null) {
            rooms.release(room);
            metrics.closed("invalid_token");
            connection.close(CloseCodes.REMOVED, "not in room");
            return null;
        }
        PresenceEntry prev = c.previous();
        boolean audio = prev != null && prev.audio();
        boolean video = prev != null && prev.video();
        if (audio || video) {
            store.putIfConn(roomId, pid, connection.id(), new PresenceEntry(replicaId, connection.id(), audio, video,
                    PresenceEntry.CONNECTED));
        }
        long now = System.nanoTime();
        LocalSession session = new LocalSession(room, c.participant(), connection,
                new TokenBucket(props.rateLimit().perSecond(), props.rateLimit().burst(), now), audio, video, now);
        // Keyed by the session's own copy of the id (the token's copy is then garbage): one string per socket, not two.
        LocalSession old = room.sessions.put(session.participantId, session);
        rooms.sessionOpened();
        if (old != null && old.state == LocalSession.State.OPEN) {
            old.state = LocalSession.State.REPLACED;
            old.connection.close(CloseCodes.REPLACED, "replaced by a newer connection");
        }
        if (prev != null && !prev.conn().equals(connection.id()) && !prev.replica().equals(replicaId)
                && PresenceEntry.CONNECTED.equals(prev.state())) {
            bus.publish(roomId, new Envelope(Envelope.TAKEOVER, replicaId, Outbound.nowMicros(), pid,
                    connection.id()));
        }
        List<Peer> peers = new ArrayList<>();
        for (PresenceStore.Present p : store.present(roomId)) {
            String id = p.participant().participantId();
            if (!id.equals(pid)) {
                peers.add(remember(room, Peer.of(p.participant(), p.entry().audio(), p.entry().video()),
                        p.entry().replica()));
            }
        }
        Peer self = session.peer();
        room.roster.put(session.participantId, self);
        room.replicaOf.put(session.participantId, replicaId);
        CallLog.info(log, roomId, pid).log("participant {} connected to room {} ({}, {} peer(s))", pid, roomId,
                prev == null ? "new" : "reconnected", peers.size());
        out.send(session, "welcome", new Welcome(self, peers, media.enabled() ? Welcome.SFU : Welcome.MESH));
        if (prev == null) {
            out.broadcast(roomId, room, pid, Envelope.JOINED, "peer-joined", new PeerJoined(self));
        } else {
            out.broadcast(roomId, room, pid, Envelope.UPDATED, "peer-updated", new PeerUpdated(self));
        }
        media.opened(session);
        return session;
    }

    /**
     * Records a peer read from presence, keeping the instances already known when nothing changed: every join re-reads
     * the whole room, and replacing equal entries would keep a fresh copy of every id and name per member.
     */
    private static Peer remember(LocalRoom room, Peer peer, String replica) {
        String id = peer.participantId();
        Peer known = room.roster.get(id);
        if (known == null || !known.equals(peer)) {
            room.roster.put(id, peer);
            known = peer;
        }
        if (!replica.equals(room.replicaOf.get(id))) {
            room.replicaOf.put(id, replica);
        }
        return known;
    }

    void closed(LocalSession session, int code) {
        LocalRoom room = session.room;
        room.sessions.remove(session.participantId, session);
        rooms.sessionClosed();
        LocalSession.State was = session.state;
        session.state = LocalSession.State.CLOSED;
        media.closed(session);
        CallLog.info(log, session.roomId, session.participantId).log("participant {} disconnected from room {} ({}{})",
                session.participantId, session.roomId, code, was == LocalSession.State.OPEN ? ", grace period" : "");
        if (was == LocalSession.State.OPEN && !shuttingDown) {
            // Closed without leave: keep the identity for the reconnect grace, then report peer-left.
            String conn = session.connection.id();
            try {
                store.putIfConn(session.roomId, session.participantId, conn,
                        new PresenceEntry(replicaId, conn, session.audio, session.video, PresenceEntry.AWAY));
            } catch (RuntimeException e) {
                CallLog.warn(log, session.roomId, session.participantId)
                        .log("cannot mark {} away: {}", session.participantId, e.toString());
            }
            try {
                var unused = timers.schedule(() -> graceExpired(session), props.reconnectGrace().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed while this replica shuts down: the other replicas' sweep reports the participant left
            }
        }
        rooms.release(room);
    }

    private void graceExpired(LocalSession session) {
        try {
            if (store.removeIfConn(session.roomId, session.participantId, session.connection.id())) {
                out.peerLeft(session.roomId, session.participantId, session.leaveReason);
            }
        } catch (RuntimeException e) {
            CallLog.warn(log, session.roomId, session.participantId)
                    .log("grace expiry of {} failed: {}", session.participantId, e.toString());
        }
    }

    /** The participant leaves for good: removed from the room, peer-left {@code leave}, close 1000. */
    void leave(LocalSession s) {
        s.state = LocalSession.State.LEFT;
        if (store.removeIfConn(s.roomId, s.participantId, s.connection.id())) {
            out.peerLeft(s.roomId, s.participantId, "leave");
        }
        s.connection.close(CloseCodes.NORMAL, "left");
    }

    /** The room no longer lists this participant: tell the room and close (4003). */
    void removed(LocalSession s) {
        s.state = LocalSession.State.REMOVED;
        if (store.removeIfConn(s.roomId, s.participantId, s.connection.id())) {
            out.peerLeft(s.roomId, s.participantId, "removed");
        }
        metrics.closed("removed");
        s.connection.close(CloseCodes.REMOVED, "no longer in the room");
    }

    /** Refuses new connections and closes every socket with 1012 so clients reconnect to another replica. */
    void shutdown() {
        shuttingDown = true;
        for (LocalRoom room : rooms.all()) {
            for (LocalSession s : room.sessions.values()) {
                if (s.state == LocalSession.State.OPEN) {
                    out.close(s, CloseCodes.SERVICE_RESTART, "service restart", "shutdown");
                }
            }
        }
        timers.shutdownNow();
    }
}

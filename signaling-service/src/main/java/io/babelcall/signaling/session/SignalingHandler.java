package io.babelcall.signaling.session;

import io.babelcall.common.room.Participant;
import io.babelcall.common.signaling.Answer;
import io.babelcall.common.signaling.Chat;
import io.babelcall.common.signaling.ClientMessage;
import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.Ice;
import io.babelcall.common.signaling.IceCandidate;
import io.babelcall.common.signaling.LanguageUpdate;
import io.babelcall.common.signaling.Leave;
import io.babelcall.common.signaling.MediaUpdate;
import io.babelcall.common.signaling.Offer;
import io.babelcall.common.signaling.Peer;
import io.babelcall.common.signaling.PeerJoined;
import io.babelcall.common.signaling.PeerLeft;
import io.babelcall.common.signaling.PeerUpdated;
import io.babelcall.common.signaling.Ping;
import io.babelcall.common.signaling.Pong;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.common.signaling.Welcome;
import io.babelcall.common.text.UnicodeText;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.caption.CaptionRouting;
import io.babelcall.signaling.chat.ChatPolicy;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceEntry;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.relay.BusListener;
import io.babelcall.signaling.relay.Envelope;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.support.json.ClientJson;
import io.babelcall.support.logging.CallLog;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;

/**
 * The signaling logic: presence, relay, chat, caption delivery and the limits, independent of any socket library.
 *
 * <p>Hot path (relay): the message is parsed once, the target looked up in the room's local session map and, when
 * local, handed to its socket without touching Redis; otherwise one fire-and-forget PUBLISH on the room's channel.
 * Every fan-out (chat, peer events, captions) is serialized once and the same string handed to every socket.
 */
public class SignalingHandler implements SignalingEvents, BusListener {

    private static final Logger log = LoggerFactory.getLogger(SignalingHandler.class);

    private final SignalingProperties props;
    private final PresenceStore store;
    private final ReplicaBus bus;
    private final SignalingMetrics metrics;
    private final ObjectMapper json;
    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final ChatPolicy chat;
    private final String replicaId;
    private final ScheduledExecutorService timers;
    private final ConcurrentHashMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger sessionCount = new AtomicInteger();
    private final long heartbeatTimeoutNanos;
    private final long ttlRefreshNanos;
    private volatile boolean shuttingDown;

    public SignalingHandler(SignalingProperties props, PresenceStore store, ReplicaBus bus, SignalingMetrics metrics,
                            ObjectMapper json, Clock clock) {
        this.props = props;
        this.store = store;
        this.bus = bus;
        this.metrics = metrics;
        this.json = json;
        // Strict: a string that is not valid Unicode is refused (invalid_field) before it can reach any socket.
        this.reader = ClientJson.strict(json).readerFor(ClientMessage.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.writer = json.writerFor(ServerMessage.class);
        this.chat = new ChatPolicy(clock);
        this.replicaId = bus.replicaId();
        this.heartbeatTimeoutNanos = props.heartbeat().timeout().toNanos();
        this.ttlRefreshNanos = props.roomTtlRefresh().toNanos();
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "signaling-grace");
            t.setDaemon(true);
            return t;
        });
        metrics.bindSessions(sessionCount::get);
        bus.setListener(this);
    }

    public boolean acceptingConnections() {
        return !shuttingDown;
    }

    public int sessionCount() {
        return sessionCount.get();
    }

    // ---------------------------------------------------------------- connection lifecycle

    @Override
    public LocalSession onOpen(ClientConnection connection, ParticipantClaims claims) {
        if (shuttingDown) {
            connection.close(CloseCodes.SERVICE_RESTART, "service restart");
            return null;
        }
        String roomId = claims.roomId();
        String pid = claims.participantId();
        LocalRoom room = acquire(roomId);
        try {
            // Subscribed before presence is written, so no peer event published after our arrival is missed.
            room.subscribed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            CallLog.warn(log, roomId, pid).log("cannot subscribe to room {}: {}", roomId, e.toString());
            release(room);
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
            release(room);
            connection.close(CloseCodes.INTERNAL, "redis unavailable");
            return null;
        }
        if (c == null) {
            release(room);
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
        sessionCount.incrementAndGet();
        if (old != null && old.state == LocalSession.State.OPEN) {
            old.state = LocalSession.State.REPLACED;
            old.connection.close(CloseCodes.REPLACED, "replaced by a newer connection");
        }
        if (prev != null && !prev.conn().equals(connection.id()) && !prev.replica().equals(replicaId)
                && PresenceEntry.CONNECTED.equals(prev.state())) {
            bus.publish(roomId, new Envelope(Envelope.TAKEOVER, replicaId, nowMicros(), pid, connection.id()));
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
        send(session, "welcome", new Welcome(self, peers));
        if (prev == null) {
            broadcast(roomId, room, pid, Envelope.JOINED, "peer-joined", new PeerJoined(self));
        } else {
            broadcast(roomId, room, pid, Envelope.UPDATED, "peer-updated", new PeerUpdated(self));
        }
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

    @Override
    public void onClose(LocalSession session, int code) {
        LocalRoom room = session.room;
        room.sessions.remove(session.participantId, session);
        sessionCount.decrementAndGet();
        LocalSession.State was = session.state;
        session.state = LocalSession.State.CLOSED;
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
            timers.schedule(() -> graceExpired(session), props.reconnectGrace().toMillis(), TimeUnit.MILLISECONDS);
        }
        release(room);
    }

    private void graceExpired(LocalSession session) {
        try {
            if (store.removeIfConn(session.roomId, session.participantId, session.connection.id())) {
                peerLeft(session.roomId, session.participantId, session.leaveReason);
            }
        } catch (RuntimeException e) {
            CallLog.warn(log, session.roomId, session.participantId)
                    .log("grace expiry of {} failed: {}", session.participantId, e.toString());
        }
    }

    // ---------------------------------------------------------------- inbound messages

    @Override
    public void onText(LocalSession s, String text, long t0) {
        s.lastInboundNanos = t0;
        if (s.state != LocalSession.State.OPEN) {
            return;
        }
        if (!s.bucket.tryTake(t0)) {
            metrics.dropped("rate_limit");
            sendError(s, "rate_limited", "more than " + props.rateLimit().perSecond() + " messages/s (burst "
                    + props.rateLimit().burst() + "); closing");
            closeFor(s, CloseCodes.POLICY, "rate limit exceeded", "rate_limit");
            return;
        }
        if (!startsAsObject(text)) {
            metrics.messageIn("invalid");
            sendError(s, "invalid_json", "a message is one JSON object");
            return;
        }
        RelayFastPath.Relay fast = RelayFastPath.parse(text, s.fromField());
        if (fast != null) {
            // The common case (offer/answer/ice, well formed): no databind, serialized once.
            metrics.messageIn(fast.type());
            relay(s, fast.to(), fast.json(), fast.type(), t0);
            return;
        }
        ClientMessage m;
        try {
            m = reader.readValue(text);
        } catch (JacksonException e) {
            metrics.messageIn("invalid");
            ErrorMessage error = InboundErrors.of(e);
            sendError(s, error.code(), error.message());
            return;
        }
        if (m == null) {
            metrics.messageIn("invalid");
            sendError(s, "invalid_json", "not a JSON object");
            return;
        }
        if (m instanceof Ice ice) {
            metrics.messageIn("ice");
            IceCandidate c = ice.candidate();
            if (c != null && (unprintable(c.candidate()) || unprintable(c.sdpMid())
                    || unprintable(c.usernameFragment()))) {
                sendError(s, "invalid_field", "'candidate' has control characters");
                return;
            }
            relay(s, ice.to(), writer.writeValueAsString(ice.relayedFrom(s.participantId)), "ice", t0);
        } else if (m instanceof Offer offer) {
            metrics.messageIn("offer");
            if (offer.sdp() == null) {
                sendError(s, "missing_field", "offer needs 'sdp'");
                return;
            }
            if (unprintable(offer.sdp())) {
                sendError(s, "invalid_field", "'sdp' has control characters");
                return;
            }
            relay(s, offer.to(), writer.writeValueAsString(offer.relayedFrom(s.participantId)), "offer", t0);
        } else if (m instanceof Answer answer) {
            metrics.messageIn("answer");
            if (answer.sdp() == null) {
                sendError(s, "missing_field", "answer needs 'sdp'");
                return;
            }
            if (unprintable(answer.sdp())) {
                sendError(s, "invalid_field", "'sdp' has control characters");
                return;
            }
            relay(s, answer.to(), writer.writeValueAsString(answer.relayedFrom(s.participantId)), "answer",
                    t0);
        } else if (m instanceof Chat c) {
            metrics.messageIn("chat");
            onChat(s, c);
        } else if (m instanceof Ping p) {
            metrics.messageIn("ping");
            send(s, "pong", new Pong(p.ts()));
        } else if (m instanceof MediaUpdate media) {
            metrics.messageIn("media");
            onMedia(s, media);
        } else if (m instanceof LanguageUpdate lang) {
            metrics.messageIn("language");
            onLanguage(s, lang);
        } else if (m instanceof Leave) {
            metrics.messageIn("leave");
            onLeave(s);
        }
    }

    @Override
    public void onBinary(LocalSession s) {
        s.lastInboundNanos = System.nanoTime();
        metrics.messageIn("binary");
        sendError(s, "binary_not_supported", "this socket takes JSON text messages only");
    }

    @Override
    public void onTooBig(LocalSession s) {
        metrics.messageIn("invalid");
        closeFor(s, CloseCodes.TOO_BIG, "message over " + props.maxMessageBytes() + " bytes", "too_big");
    }

    @Override
    public void onPong(LocalSession s) {
        s.lastInboundNanos = System.nanoTime();
    }

    /** Relays {@code out} (the JSON the target receives, {@code from} already set) to participant {@code to}. */
    private void relay(LocalSession s, String to, String out, String type, long t0) {
        if (to == null || to.isBlank()) {
            sendError(s, "missing_field", type + " needs 'to' (a participant id)");
            return;
        }
        if (to.equals(s.participantId)) {
            sendError(s, "invalid_field", "cannot relay to yourself");
            return;
        }
        LocalRoom room = s.room;
        LocalSession target = room.sessions.get(to);
        if (target != null) {
            if (target.connection.send(out)) {
                metrics.messageOut(type, 1);
                metrics.relayLatencyNanos(System.nanoTime() - t0);
            } else {
                metrics.dropped("slow_consumer");
            }
        } else if (room.roster.containsKey(to)) {
            String where = room.replicaOf.get(to);
            if (where == null) {
                // Replica not known yet: every replica of the room receives it and the one holding `to` delivers.
                bus.publish(s.roomId, new Envelope(Envelope.RELAY, replicaId, nowMicros(), to, out));
            } else if (where.equals(replicaId)) {
                metrics.dropped("unknown_peer"); // its socket here is down (within the grace): dropped silently
            } else {
                bus.relay(where, s.roomId, to, nowMicros(), out);
            }
        } else {
            metrics.dropped("unknown_peer");
            sendError(s, "unknown_peer", "no such participant in this room");
        }
    }

    private void onChat(LocalSession s, Chat in) {
        String text = ChatPolicy.clean(in.text());
        String problem = ChatPolicy.problem(text);
        if (problem != null) {
            sendError(s, in.text() == null ? "missing_field" : "invalid_field", problem);
            return;
        }
        broadcast(s.roomId, s.room, null, Envelope.BROADCAST, "chat", chat.stamp(text, s.participantId));
    }

    private void onMedia(LocalSession s, MediaUpdate m) {
        if (m.audio() == null && m.video() == null) {
            sendError(s, "missing_field", "media needs 'audio' and/or 'video'");
            return;
        }
        if (m.audio() != null) {
            s.audio = m.audio();
        }
        if (m.video() != null) {
            s.video = m.video();
        }
        String conn = s.connection.id();
        store.putIfConn(s.roomId, s.participantId, conn,
                new PresenceEntry(replicaId, conn, s.audio, s.video, PresenceEntry.CONNECTED));
        peerUpdated(s);
    }

    private void onLanguage(LocalSession s, LanguageUpdate u) {
        if (u.spokenLanguage() == null && u.captionLanguage() == null && u.dubbing() == null) {
            sendError(s, "missing_field", "language needs 'spokenLanguage', 'captionLanguage' and/or 'dubbing'");
            return;
        }
        Participant cur = s.participant;
        Participant next = cur.withLanguages(
                u.spokenLanguage() != null ? u.spokenLanguage() : cur.spokenLanguage(),
                u.captionLanguage() != null ? u.captionLanguage() : cur.captionLanguage(),
                u.dubbing() != null ? u.dubbing() : cur.dubbing());
        if (!store.updateParticipant(s.roomId, next)) {
            removed(s);
            return;
        }
        s.participant = next;
        peerUpdated(s);
    }

    private void peerUpdated(LocalSession s) {
        Peer peer = s.peer();
        s.room.roster.put(s.participantId, peer);
        broadcast(s.roomId, s.room, null, Envelope.UPDATED, "peer-updated", new PeerUpdated(peer));
    }

    private void onLeave(LocalSession s) {
        s.state = LocalSession.State.LEFT;
        if (store.removeIfConn(s.roomId, s.participantId, s.connection.id())) {
            peerLeft(s.roomId, s.participantId, "leave");
        }
        s.connection.close(CloseCodes.NORMAL, "left");
    }

    /** The room no longer lists this participant: tell the room and close (4003). */
    private void removed(LocalSession s) {
        s.state = LocalSession.State.REMOVED;
        if (store.removeIfConn(s.roomId, s.participantId, s.connection.id())) {
            peerLeft(s.roomId, s.participantId, "removed");
        }
        metrics.closed("removed");
        s.connection.close(CloseCodes.REMOVED, "no longer in the room");
    }

    // ---------------------------------------------------------------- from other replicas and the orchestrator

    @Override
    public void onEnvelope(String roomId, Envelope e) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        switch (e.kind()) {
            case Envelope.RELAY -> deliverRelay(room, e.arg(), e.publishedAtMicros(), e.json());
            case Envelope.BROADCAST -> metrics.messageOut(typeOf(e.json()), deliverLocal(room, e.arg(), e.json()));
            case Envelope.JOINED, Envelope.UPDATED -> {
                ServerMessage m = json.readValue(e.json(), ServerMessage.class);
                Peer peer = m instanceof PeerJoined j ? j.peer() : ((PeerUpdated) m).peer();
                room.roster.put(peer.participantId(), peer);
                room.replicaOf.put(peer.participantId(), e.origin()); // J/U come from the peer's own replica
                metrics.messageOut(typeOf(e.json()), deliverLocal(room, e.arg(), e.json()));
            }
            case Envelope.LEFT -> {
                PeerLeft left = (PeerLeft) json.readValue(e.json(), ServerMessage.class);
                room.roster.remove(left.participantId());
                room.replicaOf.remove(left.participantId());
                metrics.messageOut("peer-left", deliverLocal(room, e.arg(), e.json()));
            }
            case Envelope.TAKEOVER -> {
                room.replicaOf.put(e.arg(), e.origin());
                LocalSession s = room.sessions.get(e.arg());
                if (s != null && !s.connection.id().equals(e.json()) && s.state == LocalSession.State.OPEN) {
                    s.state = LocalSession.State.REPLACED;
                    s.connection.close(CloseCodes.REPLACED, "replaced by a newer connection");
                }
            }
            default -> log.debug("unknown envelope kind {}", e.kind());
        }
    }

    @Override
    public void onRelay(String roomId, String to, long publishedAtMicros, String json) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            metrics.dropped("unknown_peer");
            return;
        }
        deliverRelay(room, to, publishedAtMicros, json);
    }

    private void deliverRelay(LocalRoom room, String to, long publishedAtMicros, String json) {
        LocalSession target = room.sessions.get(to);
        if (target != null && target.connection.send(json)) {
            metrics.messageOut(typeOf(json), 1);
            metrics.relayLatencyNanos((nowMicros() - publishedAtMicros) * 1000);
        } else {
            metrics.dropped(target == null ? "unknown_peer" : "slow_consumer");
        }
    }

    @Override
    public void onCaptionEvent(String roomId, String raw) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        CaptionRouting.Header h = CaptionRouting.Header.parse(json, raw);
        if (h.type() == null) {
            metrics.dropped("invalid_event");
            return;
        }
        int n = 0;
        for (LocalSession s : room.sessions.values()) {
            if (s.state == LocalSession.State.OPEN && CaptionRouting.deliver(h, s.participant)) {
                if (s.connection.send(raw)) {
                    n++;
                } else {
                    metrics.dropped("slow_consumer");
                }
            }
        }
        metrics.messageOut(h.type(), n);
    }

    // ---------------------------------------------------------------- periodic work (called by ReplicaHeartbeat)

    /** Pings every socket; closes those silent for longer than the heartbeat timeout (4001). */
    public void heartbeatTick() {
        long now = System.nanoTime();
        for (LocalRoom room : rooms.values()) {
            for (LocalSession s : room.sessions.values()) {
                if (s.state != LocalSession.State.OPEN) {
                    continue;
                }
                if (now - s.lastInboundNanos > heartbeatTimeoutNanos) {
                    s.leaveReason = "timeout";
                    closeFor(s, CloseCodes.HEARTBEAT_TIMEOUT, "heartbeat timeout", "heartbeat");
                } else {
                    s.connection.ping();
                }
            }
        }
    }

    /**
     * Sweeps the participants of dead replicas (peer-left {@code timeout}), closes local sessions the room no longer
     * lists (peer-left {@code removed}, close 4003) and refreshes the TTL of rooms with local sessions.
     */
    public void sweepTick() {
        for (String dead : store.deadReplicas()) {
            int n = 0;
            for (String[] member : store.members(dead)) {
                if (store.removeIfReplica(member[0], member[1], dead)) {
                    peerLeft(member[0], member[1], "timeout");
                    n++;
                }
            }
            store.forgetReplica(dead);
            log.info("swept dead signaling replica {}: {} participant(s) left", dead, n);
        }
        long now = System.nanoTime();
        for (LocalRoom room : rooms.values()) {
            Set<String> listed = store.listedIds(room.roomId);
            for (LocalSession s : room.sessions.values()) {
                if (s.state == LocalSession.State.OPEN && !listed.contains(s.participantId)) {
                    removed(s);
                }
            }
            if (now - room.lastTtlRefreshNanos > ttlRefreshNanos) {
                room.lastTtlRefreshNanos = now;
                store.refreshRoomTtl(room.roomId);
            }
        }
    }

    /** Refuses new connections and closes every socket with 1012 so clients reconnect to another replica. */
    public void shutdown() {
        shuttingDown = true;
        for (LocalRoom room : rooms.values()) {
            for (LocalSession s : room.sessions.values()) {
                if (s.state == LocalSession.State.OPEN) {
                    closeFor(s, CloseCodes.SERVICE_RESTART, "service restart", "shutdown");
                }
            }
        }
        timers.shutdownNow();
    }

    // ---------------------------------------------------------------- helpers

    private void peerLeft(String roomId, String pid, String reason) {
        LocalRoom room = rooms.get(roomId);
        if (room != null) {
            room.roster.remove(pid);
            room.replicaOf.remove(pid);
        }
        broadcast(roomId, room, pid, Envelope.LEFT, "peer-left", new PeerLeft(pid, reason));
    }

    private void broadcast(String roomId, LocalRoom room, String except, char kind, String type, ServerMessage m) {
        String out = writer.writeValueAsString(m);
        if (room != null) {
            metrics.messageOut(type, deliverLocal(room, except, out));
        }
        bus.publish(roomId, new Envelope(kind, replicaId, nowMicros(), except, out));
    }

    private int deliverLocal(LocalRoom room, String except, String out) {
        int n = 0;
        for (LocalSession s : room.sessions.values()) {
            if (s.state == LocalSession.State.OPEN && !s.participantId.equals(except)) {
                if (s.connection.send(out)) {
                    n++;
                } else {
                    metrics.dropped("slow_consumer");
                }
            }
        }
        return n;
    }

    private void send(LocalSession s, String type, ServerMessage m) {
        if (s.connection.send(writer.writeValueAsString(m))) {
            metrics.messageOut(type, 1);
        }
    }

    private void sendError(LocalSession s, String code, String message) {
        send(s, "error", new ErrorMessage(code, message));
    }

    private void closeFor(LocalSession s, int code, String reason, String cause) {
        metrics.closed(cause);
        CallLog.warn(log, s.roomId, s.participantId).log("closing the socket of {} in room {}: {} ({})",
                s.participantId, s.roomId, reason, code);
        s.connection.close(code, reason);
    }

    private LocalRoom acquire(String roomId) {
        return rooms.compute(roomId, (id, r) -> {
            if (r == null) {
                r = new LocalRoom(id, System.nanoTime());
                r.subscribed = bus.subscribeRoom(id);
            }
            r.refs++;
            return r;
        });
    }

    private void release(LocalRoom room) {
        rooms.computeIfPresent(room.roomId, (id, r) -> {
            if (r != room || --r.refs > 0) {
                return r;
            }
            bus.unsubscribeRoom(id);
            return null;
        });
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

    private static boolean startsAsObject(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '{') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return false;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Control characters (but CR, LF, tab) in an SDP or candidate: no browser sends them. */
    private static boolean unprintable(String field) {
        return field != null && !UnicodeText.isPrintableText(field);
    }
}

package io.babelcall.signaling.session;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.media.SfuRooms;
import io.babelcall.signaling.media.tap.SpeechTaps;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.support.logging.CallLog;
import java.time.Clock;
import tools.jackson.databind.ObjectMapper;

/**
 * The signaling service's logic, independent of any socket library: assembles its parts over one shared
 * {@link LocalRooms} and gives the transport ({@link SignalingEvents}), the bus and the periodic scheduler one object
 * to call. Each part has one concern:
 * <ul>
 *   <li>{@link SessionLifecycle} - join, reconnect grace, leave, removal, shutdown;</li>
 *   <li>{@link MessageDispatcher} - rate limit, parsing and errors, each message type to its handler;</li>
 *   <li>{@link RelayRouter} - offers, answers and ICE to one participant, here or on another replica;</li>
 *   <li>{@link ParticipantUpdates} - chat, media and language changes to the whole room;</li>
 *   <li>{@link BusEvents} and {@link CaptionFanOut} - what other replicas and the orchestrator publish;</li>
 *   <li>{@link Housekeeping} - heartbeats, dead-replica sweep, removed participants, room TTLs;</li>
 *   <li>{@link MediaSignaling} - SFU rooms: publishing and receiving through the SFU;</li>
 *   <li>{@link Outbound} - serializing once and delivering to sockets and the bus.</li>
 * </ul>
 */
public class SignalingHandler implements SignalingEvents {

    private final LocalRooms rooms;
    private final SessionLifecycle lifecycle;
    private final MessageDispatcher dispatcher;
    private final Housekeeping housekeeping;

    /** Mesh rooms only (no SFU). */
    public SignalingHandler(SignalingProperties props, PresenceStore store, ReplicaBus bus, SignalingMetrics metrics,
                            ObjectMapper json, Clock clock) {
        this(props, store, bus, metrics, json, clock, null, null);
    }

    /**
     * {@code sfu}: where rooms' media runs; null for peer-to-peer (mesh) rooms. {@code taps}: forwards SFU publishers'
     * audio to the orchestrators; null when the speech tap is off.
     */
    public SignalingHandler(SignalingProperties props, PresenceStore store, ReplicaBus bus, SignalingMetrics metrics,
                            ObjectMapper json, Clock clock, SfuRooms sfu, SpeechTaps taps) {
        this.rooms = new LocalRooms(bus);
        Outbound out = new Outbound(json, metrics, bus, rooms);
        MediaSignaling media = new MediaSignaling(sfu, taps, out, json);
        this.lifecycle = new SessionLifecycle(props, store, bus, metrics, rooms, out, media);
        RelayRouter relays = new RelayRouter(metrics, bus, out);
        ParticipantUpdates updates = new ParticipantUpdates(store, out, lifecycle, clock);
        this.dispatcher = new MessageDispatcher(props, metrics, json, out, relays, updates, lifecycle, media);
        this.housekeeping = new Housekeeping(props, store, rooms, out, lifecycle);
        metrics.bindSessions(rooms::sessionCount);
        bus.setListener(new BusEvents(json, metrics, rooms, out, relays, new CaptionFanOut(json, metrics, rooms, clock,
                props.captionStaleAfter())));
    }

    public boolean acceptingConnections() {
        return lifecycle.acceptingConnections();
    }

    public int sessionCount() {
        return rooms.sessionCount();
    }

    // Each socket event runs in a CallLog scope: every log line of its work names the room and participant.

    @Override
    public LocalSession onOpen(ClientConnection connection, ParticipantClaims claims) {
        try (CallLog.Scope ignored = CallLog.scope(claims.roomId(), claims.participantId())) {
            return lifecycle.open(connection, claims);
        }
    }

    @Override
    public void onText(LocalSession session, String text, long receivedAtNanos) {
        try (CallLog.Scope ignored = CallLog.scope(session.roomId, session.participantId)) {
            dispatcher.text(session, text, receivedAtNanos);
        }
    }

    @Override
    public void onBinary(LocalSession session) {
        try (CallLog.Scope ignored = CallLog.scope(session.roomId, session.participantId)) {
            dispatcher.binary(session);
        }
    }

    @Override
    public void onTooBig(LocalSession session) {
        try (CallLog.Scope ignored = CallLog.scope(session.roomId, session.participantId)) {
            dispatcher.tooBig(session);
        }
    }

    @Override
    public void onPing(LocalSession session) {
        try (CallLog.Scope ignored = CallLog.scope(session.roomId, session.participantId)) {
            dispatcher.ping(session);
        }
    }

    @Override
    public void onPong(LocalSession session) {
        session.lastInboundNanos = System.nanoTime();
    }

    @Override
    public void onClose(LocalSession session, int code) {
        try (CallLog.Scope ignored = CallLog.scope(session.roomId, session.participantId)) {
            lifecycle.closed(session, code);
        }
    }

    /** Pings every socket; closes those silent past the heartbeat timeout (called by {@code ReplicaHeartbeat}). */
    public void heartbeatTick() {
        housekeeping.heartbeat();
    }

    /** This replica's own Redis call failed (the liveness refresh): death evidence about others restarts. */
    public void redisFailed() {
        housekeeping.redisFailed();
    }

    /** Dead-replica sweep, removed participants, room TTLs (called by {@code ReplicaHeartbeat}). */
    public void sweepTick() {
        housekeeping.sweep();
    }

    /** Refuses new connections and closes every socket with 1012 so clients reconnect to another replica. */
    public void shutdown() {
        lifecycle.shutdown();
    }
}

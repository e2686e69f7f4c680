package io.babelcall.signaling.session;

import io.babelcall.common.signaling.Peer;
import io.babelcall.common.signaling.PeerJoined;
import io.babelcall.common.signaling.PeerLeft;
import io.babelcall.common.signaling.PeerUpdated;
import io.babelcall.common.signaling.ServerMessage;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.relay.BusListener;
import io.babelcall.signaling.relay.Envelope;
import io.babelcall.support.logging.CallLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * What arrives from the bus for the rooms this replica serves: other replicas' envelopes (relays, room fan-outs, peer
 * events that also update this replica's roster, socket takeovers), relays on this replica's own channel, and the
 * orchestrator's caption events. Runs on the bus listener's thread.
 */
final class BusEvents implements BusListener {

    private static final Logger log = LoggerFactory.getLogger(BusEvents.class);

    private final ObjectMapper json;
    private final SignalingMetrics metrics;
    private final LocalRooms rooms;
    private final Outbound out;
    private final RelayRouter relays;
    private final CaptionFanOut captions;

    BusEvents(ObjectMapper json, SignalingMetrics metrics, LocalRooms rooms, Outbound out, RelayRouter relays,
              CaptionFanOut captions) {
        this.json = json;
        this.metrics = metrics;
        this.rooms = rooms;
        this.out = out;
        this.relays = relays;
        this.captions = captions;
    }

    @Override
    public void onEnvelope(String roomId, Envelope e) {
        try (CallLog.Scope ignored = CallLog.scope(roomId, null)) {
            envelope(roomId, e);
        }
    }

    private void envelope(String roomId, Envelope e) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        switch (e.kind()) {
            case Envelope.RELAY -> relays.deliver(room, e.arg(), e.publishedAtMicros(), e.json());
            case Envelope.BROADCAST -> metrics.messageOut(Outbound.typeOf(e.json()),
                    out.deliverLocal(room, e.arg(), e.json()));
            case Envelope.JOINED, Envelope.UPDATED -> {
                ServerMessage m = json.readValue(e.json(), ServerMessage.class);
                Peer peer = m instanceof PeerJoined j ? j.peer() : ((PeerUpdated) m).peer();
                room.roster.put(peer.participantId(), peer);
                room.replicaOf.put(peer.participantId(), e.origin()); // J/U come from the peer's own replica
                metrics.messageOut(Outbound.typeOf(e.json()), out.deliverLocal(room, e.arg(), e.json()));
            }
            case Envelope.LEFT -> {
                PeerLeft left = (PeerLeft) json.readValue(e.json(), ServerMessage.class);
                room.roster.remove(left.participantId());
                room.replicaOf.remove(left.participantId());
                metrics.messageOut("peer-left", out.deliverLocal(room, e.arg(), e.json()));
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
        relays.deliver(rooms.get(roomId), to, publishedAtMicros, json);
    }

    @Override
    public void onCaptionEvent(String roomId, String raw) {
        try (CallLog.Scope ignored = CallLog.scope(roomId, null)) {
            captions.deliver(roomId, raw);
        }
    }
}

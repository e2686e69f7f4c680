package io.babelcall.signaling.session;

import io.babelcall.common.room.Participant;
import io.babelcall.common.signaling.Peer;
import io.babelcall.signaling.media.SfuPeer;

/** A participant connected to this replica. */
public final class LocalSession {

    enum State { OPEN, LEFT, REPLACED, REMOVED, CLOSED }

    final String roomId;
    final String participantId;
    final ClientConnection connection;
    final TokenBucket bucket;
    final LocalRoom room;
    volatile Participant participant;
    volatile boolean audio;
    volatile boolean video;
    volatile long lastInboundNanos;
    /** This participant on the SFU, when the room's media goes through one (null for mesh rooms). */
    volatile SfuPeer sfu;
    volatile State state = State.OPEN;
    /** The peer-left reason if this socket's grace expires: {@code closed}, or {@code timeout} after a missed heartbeat. */
    volatile String leaveReason = "closed";

    LocalSession(LocalRoom room, Participant participant, ClientConnection connection, TokenBucket bucket,
                 boolean audio, boolean video, long now) {
        this.roomId = room.roomId;
        this.room = room;
        this.participantId = participant.participantId();
        this.participant = participant;
        this.connection = connection;
        this.bucket = bucket;
        this.audio = audio;
        this.video = video;
        this.lastInboundNanos = now;
    }

    public String roomId() {
        return roomId;
    }

    public String participantId() {
        return participantId;
    }

    public Participant participant() {
        return participant;
    }

    public ClientConnection connection() {
        return connection;
    }

    /** {@code participantId} as a quoted JSON string (the {@code from} of relays), made on first use. */
    private String fromField;

    String fromField() {
        String f = fromField;
        if (f == null) {
            f = RelayFastPath.quote(new StringBuilder(participantId.length() + 2), participantId).toString();
            fromField = f;
        }
        return f;
    }

    Peer peer() {
        return Peer.of(participant, audio, video);
    }
}

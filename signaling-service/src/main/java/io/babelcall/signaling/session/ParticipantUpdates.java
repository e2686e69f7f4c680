package io.babelcall.signaling.session;

import io.babelcall.common.room.Participant;
import io.babelcall.common.signaling.Chat;
import io.babelcall.common.signaling.LanguageUpdate;
import io.babelcall.common.signaling.MediaUpdate;
import io.babelcall.common.signaling.Peer;
import io.babelcall.common.signaling.PeerUpdated;
import io.babelcall.signaling.chat.ChatPolicy;
import io.babelcall.signaling.presence.PresenceEntry;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.relay.Envelope;
import java.time.Clock;

/**
 * What a participant says to the whole room: chat lines, microphone/camera state and language choices (the last two
 * stored in Redis, where the orchestrator and api read them, then broadcast as {@code peer-updated}). Runs on the
 * sender's frame thread; the Redis writes block it (a managed block on the frame pool).
 */
final class ParticipantUpdates {

    private final PresenceStore store;
    private final Outbound out;
    private final SessionLifecycle lifecycle;
    private final ChatPolicy chat;
    private final String replicaId;

    ParticipantUpdates(PresenceStore store, Outbound out, SessionLifecycle lifecycle, Clock clock) {
        this.store = store;
        this.out = out;
        this.lifecycle = lifecycle;
        this.chat = new ChatPolicy(clock);
        this.replicaId = out.replicaId();
    }

    void chat(LocalSession s, Chat in) {
        String text = ChatPolicy.clean(in.text());
        String problem = ChatPolicy.problem(text);
        if (problem != null) {
            out.error(s, in.text() == null ? "missing_field" : "invalid_field", problem);
            return;
        }
        out.broadcast(s.roomId, s.room, null, Envelope.BROADCAST, "chat", chat.stamp(text, s.participantId));
    }

    void media(LocalSession s, MediaUpdate m) {
        if (m.audio() == null && m.video() == null) {
            out.error(s, "missing_field", "media needs 'audio' and/or 'video'");
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

    void language(LocalSession s, LanguageUpdate u) {
        if (u.spokenLanguage() == null && u.captionLanguage() == null && u.dubbing() == null) {
            out.error(s, "missing_field", "language needs 'spokenLanguage', 'captionLanguage' and/or 'dubbing'");
            return;
        }
        Participant cur = s.participant;
        Participant next = cur.withLanguages(
                u.spokenLanguage() != null ? u.spokenLanguage() : cur.spokenLanguage(),
                u.captionLanguage() != null ? u.captionLanguage() : cur.captionLanguage(),
                u.dubbing() != null ? u.dubbing() : cur.dubbing());
        if (!store.updateParticipant(s.roomId, next)) {
            lifecycle.removed(s);
            return;
        }
        s.participant = next;
        peerUpdated(s);
    }

    private void peerUpdated(LocalSession s) {
        Peer peer = s.peer();
        s.room.roster.put(s.participantId, peer);
        out.broadcast(s.roomId, s.room, null, Envelope.UPDATED, "peer-updated", new PeerUpdated(peer));
    }
}

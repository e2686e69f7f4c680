package io.babelcall.signaling.session;

import io.babelcall.common.signaling.Peer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A room with at least one session on this replica: its local sessions by participant id (the relay's routing table)
 * and the roster of everyone present on any replica (to refuse relays to peers outside the room without asking Redis).
 */
final class LocalRoom {

    final String roomId;
    final ConcurrentHashMap<String, LocalSession> sessions = new ConcurrentHashMap<>(8);
    final ConcurrentHashMap<String, Peer> roster = new ConcurrentHashMap<>(8);
    /** The replica each present participant is connected to (as last announced), to send relays only there. */
    final ConcurrentHashMap<String, String> replicaOf = new ConcurrentHashMap<>(8);
    /** Local sessions plus sessions being opened; guarded by the registry's map lock. */
    int refs;
    CompletableFuture<Void> subscribed;
    volatile long lastTtlRefreshNanos;

    LocalRoom(String roomId, long now) {
        this.roomId = roomId;
        this.lastTtlRefreshNanos = now;
    }
}

package io.babelcall.signaling.session;

import io.babelcall.signaling.relay.ReplicaBus;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The rooms with at least one session on this replica: the one piece of state the signaling parts share. A room is
 * subscribed on the bus when its first session arrives and unsubscribed when its last leaves. Thread-safe; no
 * thread of its own.
 */
final class LocalRooms {

    private final ConcurrentHashMap<String, LocalRoom> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final ReplicaBus bus;

    LocalRooms(ReplicaBus bus) {
        this.bus = bus;
    }

    /** The room, created and subscribed if new; counted as used until {@link #release}. */
    LocalRoom acquire(String roomId) {
        return rooms.compute(roomId, (id, r) -> {
            if (r == null) {
                r = new LocalRoom(id, System.nanoTime());
                r.subscribed = bus.subscribeRoom(id);
            }
            r.refs++;
            return r;
        });
    }

    /** One use of {@code room} ended; the last one unsubscribes and forgets it. */
    void release(LocalRoom room) {
        rooms.computeIfPresent(room.roomId, (id, r) -> {
            if (r != room || --r.refs > 0) {
                return r;
            }
            bus.unsubscribeRoom(id);
            return null;
        });
    }

    /** The room if it has local sessions, else null. */
    LocalRoom get(String roomId) {
        return rooms.get(roomId);
    }

    Collection<LocalRoom> all() {
        return rooms.values();
    }

    void sessionOpened() {
        sessions.incrementAndGet();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    int sessionCount() {
        return sessions.get();
    }
}

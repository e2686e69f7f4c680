package io.babelcall.signaling.media;

import io.babelcall.signaling.media.janus.JanusClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import tools.jackson.databind.JsonNode;

/**
 * Destroys VideoRooms that stay empty: a room is normally destroyed by its last leaver's release, but a release can be
 * lost (the replica died between the leave and the destroy) and a node that was cut off and came back still holds the
 * rooms that moved elsewhere meanwhile (once Janus has timed out their sessions, they are empty). Fed by the
 * {@link SfuNodeStats} polls: a room listed with no participant in every poll for {@code empty-room-grace} is
 * destroyed. A room someone joins in between starts its grace again; every replica sweeps, and the VideoRoom's
 * destroy decides which one did it.
 */
public final class EmptyRoomSweeper implements SfuNodeStats.RoomsListener {

    /** Destroys one VideoRoom; completes true when it was destroyed by this call. */
    @FunctionalInterface
    interface Destroyer {
        CompletableFuture<Boolean> destroy(String nodeId, JanusClient janus, String room);
    }

    private final long graceNanos;
    private final Destroyer destroyer;
    private final LongSupplier clock;
    /** Per node: each room seen empty since when (nanoTime), while it stays empty. */
    private final Map<String, Map<String, Long>> emptySince = new ConcurrentHashMap<>();

    public EmptyRoomSweeper(Duration grace, SfuRooms rooms) {
        this(grace, rooms::destroyAbandoned, System::nanoTime);
    }

    EmptyRoomSweeper(Duration grace, Destroyer destroyer, LongSupplier clock) {
        this.graceNanos = grace.toNanos();
        this.destroyer = destroyer;
        this.clock = clock;
    }

    @Override
    public void listed(String nodeId, JanusClient janus, JsonNode rooms) {
        long now = clock.getAsLong();
        Map<String, Long> empty = emptySince.computeIfAbsent(nodeId, k -> new ConcurrentHashMap<>());
        Set<String> stillEmpty = new HashSet<>();
        for (JsonNode room : rooms) {
            String id = room.path("room").asString();
            if (id.isEmpty() || room.path("num_participants").asInt(0) > 0) {
                continue;
            }
            stillEmpty.add(id);
            long since = empty.computeIfAbsent(id, k -> now);
            if (now - since >= graceNanos) {
                empty.remove(id);
                var unused = destroyer.destroy(nodeId, janus, id);
            }
        }
        empty.keySet().retainAll(stillEmpty); // joined, or gone: its grace starts afresh if it empties again
    }
}

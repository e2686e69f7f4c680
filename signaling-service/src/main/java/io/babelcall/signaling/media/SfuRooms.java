package io.babelcall.signaling.media;

import io.babelcall.signaling.config.FireAndForget;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.media.janus.JanusException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where each call's media runs: a room is pinned in Redis to one SFU node at its first publish (the reachable node
 * with the fewest rooms pinned), and a VideoRoom of the same id is created there. Every replica finds the same node
 * through the pin; a pin to a node that is down is replaced. The last participant to leave destroys the VideoRoom.
 * Redis and Janus calls are asynchronous; callers chain on the returned futures.
 */
public final class SfuRooms {

    private static final Logger log = LoggerFactory.getLogger(SfuRooms.class);
    /** VideoRoom: "Room already exists". */
    static final int ROOM_EXISTS = 427;
    /** How long a leaver may stay listed after its detach, and how often to look again meanwhile. */
    static final Duration LEAVE_WAIT = Duration.ofSeconds(2);
    static final Duration LEAVE_POLL = Duration.ofMillis(50);

    /** A room on its node: the node's session and the VideoRoom id (the Babelcall room id). */
    public record Placement(String nodeId, JanusClient janus, String room) {
    }

    private final MediaProperties props;
    private final JanusNodes nodes;
    private final RedisClusterAsyncCommands<String, String> redis;
    /** One control handle per Janus session, for create/list/destroy. */
    private final Map<JanusClient, CompletableFuture<Long>> control = new ConcurrentHashMap<>();

    private final ScheduledExecutorService timers;

    public SfuRooms(MediaProperties props, JanusNodes nodes, RedisClusterAsyncCommands<String, String> redis,
                    ScheduledExecutorService timers) {
        this.props = props;
        this.nodes = nodes;
        this.redis = redis;
        this.timers = timers;
    }

    /** Runs {@code task} once the ICE time-out has passed (on the shared timer thread: keep it short). */
    void afterIceTimeout(Runnable task) {
        var unused = timers.schedule(task, props.iceTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The room's node, pinning it and creating its VideoRoom if needed; fails when no node is reachable. */
    public CompletableFuture<Placement> place(String roomId) {
        return redis.get(RedisKeys.sfuRoom(roomId)).toCompletableFuture().thenCompose(pinned -> {
            JanusClient janus = pinned == null ? null : nodes.client(pinned);
            if (janus != null) {
                return ensureRoom(new Placement(pinned, janus, roomId));
            }
            return pin(roomId, pinned);
        });
    }

    private CompletableFuture<Placement> pin(String roomId, String deadNode) {
        List<String> healthy = nodes.healthy();
        if (healthy.isEmpty()) {
            return CompletableFuture.failedFuture(new JanusException(0, "no SFU node reachable"));
        }
        return redis.hgetall(RedisKeys.SFU_NODE_ROOMS).toCompletableFuture().thenCompose(load -> {
            String best = healthy.get(0);
            for (String id : healthy) {
                if (count(load, id) < count(load, best)) {
                    best = id;
                }
            }
            String chosen = best;
            // Only one replica's choice wins: a dead node's pin is replaced if still the same, a missing one set once.
            SetArgs args = SetArgs.Builder.nx();
            CompletableFuture<Boolean> set = deadNode == null
                    ? redis.set(RedisKeys.sfuRoom(roomId), chosen, args).toCompletableFuture().thenApply("OK"::equals)
                    : redis.set(RedisKeys.sfuRoom(roomId), chosen).toCompletableFuture().thenApply("OK"::equals);
            return set.thenCompose(won -> {
                if (!won) {
                    return place(roomId); // another replica pinned it meanwhile: use its choice
                }
                log.info("room {} pinned to SFU node {}{}", roomId, chosen,
                        deadNode == null ? "" : " (node " + deadNode + " is down)");
                FireAndForget.logFailure(redis.hincrby(RedisKeys.SFU_NODE_ROOMS, chosen, 1), log, "room count of " + chosen);
                if (deadNode != null) {
                    FireAndForget.logFailure(redis.hincrby(RedisKeys.SFU_NODE_ROOMS, deadNode, -1), log,
                            "room count of " + deadNode);
                }
                return ensureRoom(new Placement(chosen, nodes.client(chosen), roomId));
            });
        });
    }

    private static long count(Map<String, String> load, String node) {
        String v = load.get(node);
        return v == null ? 0 : Math.max(0, Long.parseLong(v)); // a lost node's count can dip below 0 until reconciled
    }

    /**
     * Sets the node's room count in {@code sfu:node-rooms} to the VideoRooms it really holds, each time this replica
     * connects to it. The count is kept by increments and decrements as rooms are pinned and end; a node that dies
     * loses its rooms without either (and comes back empty), and a replica that dies mid-release leaves one too many:
     * without this the least-loaded choice drifted for good. A pin made between the list and the write is counted at
     * the next reconnect.
     */
    public void reconcile(String nodeId, JanusClient janus) {
        var unused = controlHandle(janus)
                .thenCompose(h -> janus.request(h, janus.body("list").put("admin_key", props.adminKey()), null))
                .thenCompose(list -> {
                    int rooms = list.data().path("list").size();
                    log.info("SFU node {} holds {} VideoRoom(s)", nodeId, rooms);
                    return redis.hset(RedisKeys.SFU_NODE_ROOMS, nodeId, Integer.toString(rooms)).toCompletableFuture();
                })
                .whenComplete((ok, e) -> {
                    if (e != null) {
                        log.warn("SFU node {}: room count not reconciled: {}", nodeId, e.toString());
                    }
                });
    }

    private CompletableFuture<Placement> ensureRoom(Placement p) {
        if (p.janus() == null) {
            return CompletableFuture.failedFuture(new JanusException(0, "SFU node " + p.nodeId() + " went down"));
        }
        ObjectNode create = p.janus().body("create").put("room", p.room()).put("admin_key", props.adminKey())
                .put("publishers", props.maxPublishers())
                .put("is_private", true)
                // Talking events replace a level meter per incoming stream in every browser.
                .put("audiolevel_event", true)
                .put("audio_active_packets", 50)
                .put("audio_level_average", 40)
                .put("notify_joining", false);
        return controlHandle(p.janus())
                .thenCompose(h -> p.janus().request(h, create, null))
                .handle((reply, e) -> {
                    if (e == null || isRoomExists(e)) {
                        return p;
                    }
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                });
    }

    /**
     * After {@code leaver} detached: destroys the room's VideoRoom once nobody is in it any more, and unpins it.
     * Janus answers a detach before its VideoRoom has removed the participant (the plugin is told later, on the
     * handle's own loop), so the room is listed until the leaver is gone from it; without that wait, two participants
     * leaving together each saw the other and the VideoRoom stayed on the node for good.
     */
    public CompletableFuture<Void> releaseIfEmpty(String roomId, String leaver) {
        return redis.get(RedisKeys.sfuRoom(roomId)).toCompletableFuture().thenCompose(node -> {
            JanusClient janus = node == null ? null : nodes.client(node);
            if (janus == null) {
                return CompletableFuture.completedFuture(null);
            }
            long deadline = System.nanoTime() + LEAVE_WAIT.toNanos();
            return controlHandle(janus).thenCompose(h -> participantsOnceGone(janus, h, roomId, leaver, deadline)
                    .thenCompose(participants -> {
                        if (!participants.isEmpty()) {
                            return CompletableFuture.completedFuture(null);
                        }
                        return destroy(node, janus, h, roomId)
                                .thenCompose(v -> redis.del(RedisKeys.sfuRoom(roomId)).toCompletableFuture())
                                .thenAccept(n -> log.info("room {} ended on SFU node {}", roomId, node));
                    }))
                    .exceptionally(e -> null); // gone already, or the node is down: nothing to release
        });
    }

    /**
     * Destroys a VideoRoom nobody released although it stayed empty ({@link EmptyRoomSweeper}) and takes it off the
     * node's room count. The pin goes too when the room itself has ended (its key is gone); a room that still exists
     * keeps its pin on this live node, so a participant joining right now cannot be sent to another node. Completes
     * false when the VideoRoom was gone already (another replica swept it, or its release came after all).
     */
    public CompletableFuture<Boolean> destroyAbandoned(String nodeId, JanusClient janus, String roomId) {
        return controlHandle(janus)
                .thenCompose(h -> destroy(nodeId, janus, h, roomId))
                .thenCompose(v -> unpinIfEnded(nodeId, roomId))
                .handle((ok, e) -> {
                    if (e == null) {
                        log.info("room {}: empty VideoRoom on SFU node {} destroyed (nobody released it)", roomId,
                                nodeId);
                        return true;
                    }
                    log.debug("room {}: empty VideoRoom on SFU node {} not destroyed: {}", roomId, nodeId,
                            e.toString());
                    return false;
                });
    }

    /** Destroys the room's VideoRoom on {@code node} and takes it off the node's room count. */
    private CompletableFuture<Void> destroy(String node, JanusClient janus, long handle, String roomId) {
        return janus.request(handle, janus.body("destroy").put("room", roomId), null)
                .thenCompose(r -> redis.hincrby(RedisKeys.SFU_NODE_ROOMS, node, -1).toCompletableFuture())
                .thenAccept(n -> { });
    }

    /** Removes the room's pin if its call has ended (room key gone) and the pin is still {@code node}. */
    private CompletableFuture<Void> unpinIfEnded(String node, String roomId) {
        return redis.exists(RedisKeys.room(roomId)).toCompletableFuture().thenCompose(exists -> exists > 0
                ? CompletableFuture.completedFuture(null)
                : redis.get(RedisKeys.sfuRoom(roomId)).toCompletableFuture().thenCompose(pin -> node.equals(pin)
                        ? redis.del(RedisKeys.sfuRoom(roomId)).toCompletableFuture().thenAccept(n -> { })
                        : CompletableFuture.completedFuture(null)));
    }

    /** The room's participants as soon as {@code leaver} is not among them (or as they are at the deadline). */
    private CompletableFuture<JsonNode> participantsOnceGone(JanusClient janus, long handle, String roomId,
                                                             String leaver, long deadline) {
        return janus.request(handle, janus.body("listparticipants").put("room", roomId), null).thenCompose(list -> {
            JsonNode participants = list.data().path("participants");
            boolean present = false;
            for (JsonNode p : participants) {
                present |= leaver.equals(p.path("id").asString());
            }
            if (!present || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(participants);
            }
            Executor later = CompletableFuture.delayedExecutor(LEAVE_POLL.toMillis(), TimeUnit.MILLISECONDS, timers);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(v -> participantsOnceGone(janus, handle, roomId, leaver, deadline));
        });
    }

    private CompletableFuture<Long> controlHandle(JanusClient janus) {
        CompletableFuture<Long> h = control.computeIfAbsent(janus, j -> j.attach(JanusClient.VIDEOROOM,
                (data, jsep) -> { }));
        if (h.isCompletedExceptionally() || !janus.isConnected()) {
            control.remove(janus, h);
        }
        control.keySet().removeIf(j -> !j.isConnected());
        return h;
    }

    private static boolean isRoomExists(Throwable e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof JanusException)) {
            cause = cause.getCause();
        }
        return cause instanceof JanusException j && j.code() == ROOM_EXISTS;
    }
}

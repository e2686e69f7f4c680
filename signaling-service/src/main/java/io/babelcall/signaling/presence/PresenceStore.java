package io.babelcall.signaling.presence;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.redis.SignalingRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.ObjectMapper;

/**
 * Presence and participant state in Redis. Every state change that two replicas could race on (connect, away, media,
 * removal) is one Lua script, so a reconnect on replica B and a grace expiry or dead-replica sweep on replica A can
 * never both win: removal only succeeds while the entry still names the expected connection (or replica).
 */
public class PresenceStore {

    /*
     * Redis Cluster: each script touches only the keys of one room (tag {roomId}), all passed in KEYS. The replica
     * member sets (tag {replicaId}) and the global replica set live in other slots, so they are updated outside the
     * scripts: this replica's set gains the member before CONNECT (the index is then a superset, and the sweep's
     * removeIfReplica re-checks the presence entry, so an extra member is harmless), and a previous replica's set
     * loses it after the script says which replica that was.
     */
    private static final LuaScript CONNECT = LuaScript.of("""
            local p = redis.call('HGET', KEYS[1], ARGV[1])
            if not p then return false end
            local prev = redis.call('HGET', KEYS[2], ARGV[1])
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            local ttl = tonumber(ARGV[3])
            redis.call('EXPIRE', KEYS[1], ttl)
            redis.call('EXPIRE', KEYS[2], ttl)
            redis.call('EXPIRE', KEYS[3], ttl)
            if prev then return {p, prev} end
            return {p}
            """);

    private static final LuaScript PUT_IF_CONN = LuaScript.of("""
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if cur and cjson.decode(cur).conn == ARGV[2] then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
              return 1
            end
            return 0
            """);

    private static final LuaScript REMOVE = LuaScript.of("""
            local cur = redis.call('HGET', KEYS[1], ARGV[1])
            if not cur then return false end
            local e = cjson.decode(cur)
            if e[ARGV[2]] ~= ARGV[3] then return false end
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('HDEL', KEYS[2], ARGV[1])
            return e.replica
            """);

    private static final LuaScript SET_IF_EXISTS = LuaScript.of("""
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
              redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """);

    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final ObjectMapper json;
    private final String replicaId;
    private final long roomTtlSeconds;

    public PresenceStore(RedisClient client, ObjectMapper json, String replicaId, Duration roomTtl) {
        this(client.connect(), json, replicaId, roomTtl);
    }

    /** On a Redis Cluster: every command routes to the node of its key (a script's, of its first key). */
    public PresenceStore(RedisClusterClient client, ObjectMapper json, String replicaId, Duration roomTtl) {
        this(client.connect(), json, replicaId, roomTtl);
    }

    /** On the connection given (closed with this store). */
    public PresenceStore(SignalingRedis.Connection c, ObjectMapper json, String replicaId, Duration roomTtl) {
        this(c.stateful(), c.sync(), c.async(), json, replicaId, roomTtl);
    }

    private PresenceStore(StatefulRedisConnection<String, String> c, ObjectMapper json, String replicaId,
                          Duration roomTtl) {
        this(c, c.sync(), c.async(), json, replicaId, roomTtl);
    }

    private PresenceStore(StatefulRedisClusterConnection<String, String> c, ObjectMapper json, String replicaId,
                          Duration roomTtl) {
        this(c, c.sync(), c.async(), json, replicaId, roomTtl);
    }

    private PresenceStore(StatefulConnection<String, String> connection, RedisClusterCommands<String, String> redis,
                          RedisClusterAsyncCommands<String, String> async, ObjectMapper json, String replicaId,
                          Duration roomTtl) {
        this.connection = connection;
        this.redis = redis;
        this.async = async;
        this.json = json;
        this.replicaId = replicaId;
        this.roomTtlSeconds = Math.max(1, roomTtl.toSeconds());
    }

    public String replicaId() {
        return replicaId;
    }

    /** What {@link #connect} found: the participant as stored, and the previous presence entry if any. */
    public record Connected(Participant participant, PresenceEntry previous) {
    }

    /** The participant as stored in the participants hash, or null when the room does not list it. */
    public Participant participant(String roomId, String participantId) {
        String v = redis.hget(RedisKeys.participants(roomId), participantId);
        return v == null ? null : json.readValue(v, Participant.class);
    }

    /**
     * Marks the participant present on this replica with this connection, refreshing the room's TTL; null when the
     * room no longer lists it.
     */
    public Connected connect(String roomId, String participantId, PresenceEntry entry) {
        String member = member(roomId, participantId);
        redis.sadd(RedisKeys.signalingReplicaMembers(replicaId), member);
        redis.sadd(RedisKeys.SIGNALING_REPLICAS, replicaId);
        List<Object> r = CONNECT.run(redis, ScriptOutputType.MULTI,
                new String[] {RedisKeys.participants(roomId), RedisKeys.presence(roomId), RedisKeys.room(roomId)},
                participantId, json.writeValueAsString(entry), Long.toString(roomTtlSeconds));
        if (r == null || r.isEmpty() || r.get(0) == null) {
            redis.srem(RedisKeys.signalingReplicaMembers(replicaId), member);
            return null;
        }
        Participant p = json.readValue((String) r.get(0), Participant.class);
        PresenceEntry prev = r.size() > 1 && r.get(1) != null ? json.readValue((String) r.get(1), PresenceEntry.class) : null;
        if (prev != null && !replicaId.equals(prev.replica())) {
            redis.srem(RedisKeys.signalingReplicaMembers(prev.replica()), member);
        }
        return new Connected(p, prev);
    }

    /** Replaces the entry only while it still belongs to connection {@code conn}. */
    public boolean putIfConn(String roomId, String participantId, String conn, PresenceEntry entry) {
        Long r = PUT_IF_CONN.run(redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.presence(roomId)},
                participantId, conn, json.writeValueAsString(entry));
        return r != null && r == 1L;
    }

    /** Removes the participant for good if its entry still belongs to connection {@code conn}. */
    public boolean removeIfConn(String roomId, String participantId, String conn) {
        return remove(roomId, participantId, "conn", conn);
    }

    /** Removes the participant for good if its entry still names replica {@code replica} (dead-replica sweep). */
    public boolean removeIfReplica(String roomId, String participantId, String replica) {
        return remove(roomId, participantId, "replica", replica);
    }

    private boolean remove(String roomId, String participantId, String field, String expected) {
        String replica = REMOVE.run(redis, ScriptOutputType.VALUE,
                new String[] {RedisKeys.presence(roomId), RedisKeys.participants(roomId)},
                participantId, field, expected);
        if (replica == null) {
            return false;
        }
        redis.srem(RedisKeys.signalingReplicaMembers(replica), member(roomId, participantId));
        return true;
    }

    /** Stores new languages in the participant's JSON (if still listed); what the orchestrator and api read. */
    public boolean updateParticipant(String roomId, Participant p) {
        Long r = SET_IF_EXISTS.run(redis, ScriptOutputType.INTEGER, new String[] {RedisKeys.participants(roomId)},
                p.participantId(), json.writeValueAsString(p));
        return r != null && r == 1L;
    }

    /** A present participant with its presence entry. */
    public record Present(Participant participant, PresenceEntry entry) {
    }

    /** Everyone present in the room (connected or within grace) who is still listed in the participants hash. */
    public List<Present> present(String roomId) {
        Map<String, String> presence = redis.hgetall(RedisKeys.presence(roomId));
        if (presence.isEmpty()) {
            return List.of();
        }
        Map<String, String> participants = redis.hgetall(RedisKeys.participants(roomId));
        List<Present> out = new ArrayList<>(presence.size());
        for (Map.Entry<String, String> e : new LinkedHashMap<>(presence).entrySet()) {
            String p = participants.get(e.getKey());
            if (p != null) {
                out.add(new Present(json.readValue(p, Participant.class),
                        json.readValue(e.getValue(), PresenceEntry.class)));
            }
        }
        return out;
    }

    /** Ids the participants hash lists now (empty when the room is gone). */
    public Set<String> listedIds(String roomId) {
        return Set.copyOf(redis.hkeys(RedisKeys.participants(roomId)));
    }

    /** Extends the room's keys (room, participants, presence) by the room TTL; keys that are gone stay gone. */
    public void refreshRoomTtl(String roomId) {
        redis.expire(RedisKeys.room(roomId), roomTtlSeconds);
        redis.expire(RedisKeys.participants(roomId), roomTtlSeconds);
        redis.expire(RedisKeys.presence(roomId), roomTtlSeconds);
    }

    /** Heartbeat: this replica is alive for {@code ttl}. */
    public void replicaAlive(Duration ttl) {
        redis.set(RedisKeys.signalingReplica(replicaId), "1", io.lettuce.core.SetArgs.Builder.px(ttl.toMillis()));
        redis.sadd(RedisKeys.SIGNALING_REPLICAS, replicaId);
    }

    /** Replicas that are registered but whose heartbeat key has expired. */
    public List<String> deadReplicas() {
        List<String> dead = new ArrayList<>();
        for (String id : redis.smembers(RedisKeys.SIGNALING_REPLICAS)) {
            if (!id.equals(replicaId) && redis.exists(RedisKeys.signalingReplica(id)) == 0L) {
                dead.add(id);
            }
        }
        return dead;
    }

    /** The (roomId, participantId) pairs a replica held. */
    public List<String[]> members(String replica) {
        List<String[]> out = new ArrayList<>();
        for (String m : redis.smembers(RedisKeys.signalingReplicaMembers(replica))) {
            int tab = m.indexOf('\t');
            if (tab > 0) {
                out.add(new String[] {m.substring(0, tab), m.substring(tab + 1)});
            }
        }
        return out;
    }

    /** Forgets a dead replica once its members are swept. */
    public void forgetReplica(String replica) {
        redis.del(RedisKeys.signalingReplicaMembers(replica));
        redis.srem(RedisKeys.SIGNALING_REPLICAS, replica);
    }

    /** The server's {@code redis_version}, asked on the presence connection; fails if Redis does not answer in time. */
    public String serverVersion(Duration timeout) throws Exception {
        String info = async.info("server").get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return info.lines().filter(l -> l.startsWith("redis_version:"))
                .map(l -> l.substring("redis_version:".length()).strip()).findFirst().orElse("unknown");
    }

    public void close() {
        connection.close();
    }

    private static String member(String roomId, String participantId) {
        return roomId + '\t' + participantId;
    }
}

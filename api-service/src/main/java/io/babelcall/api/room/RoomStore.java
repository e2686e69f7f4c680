package io.babelcall.api.room;

import io.babelcall.api.web.RedisScripts;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.room.Room;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rooms and participants in Redis ({@link RedisKeys#room} hash, {@link RedisKeys#participants} hash). Every operation
 * is one Lua script, so it is atomic across api replicas: in particular the capacity check and the insert of a join
 * cannot interleave with another join. Each operation that touches a room refreshes the TTL of both keys and the
 * room's {@code expiresAt} field.
 */
public class RoomStore {

    private static final Logger log = LoggerFactory.getLogger(RoomStore.class);

    /** Result codes of the scripts. */
    public static final long NO_ROOM = -1;
    public static final long FULL = -2;
    public static final long NO_PARTICIPANT = -2;

    private static final RedisScript<Long> CREATE = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'name', ARGV[1], 'maxParticipants', ARGV[2], 'createdAt', ARGV[3],
                       'expiresAt', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            return 1
            """, Long.class);

    /**
     * {-1} when absent, else {n, n hash fields and values..., m, m participant JSONs..., ids in the presence hash...}.
     * The presence hash (KEYS[3]) is signaling's: read, never written here.
     */
    private static final RedisScript<List> TOUCH_AND_READ = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
            local room = redis.call('HGETALL', KEYS[1])
            local out = {#room}
            for i = 1, #room do out[#out + 1] = room[i] end
            local ps = redis.call('HVALS', KEYS[2])
            out[#out + 1] = #ps
            for i = 1, #ps do out[#out + 1] = ps[i] end
            local present = redis.call('HKEYS', KEYS[3])
            for i = 1, #present do out[#out + 1] = present[i] end
            return out
            """, List.class);

    /**
     * -1 no room, -2 full, else the participant count after joining. Re-joining with the same id replaces. A full room
     * first frees the seats of participants who joined before ARGV[5] and have no presence entry (never connected).
     * Times are {@link Instant#toString()} of millisecond instants, compared as strings (off by under a second at most).
     */
    private static final RedisScript<Long> JOIN = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            local max = tonumber(redis.call('HGET', KEYS[1], 'maxParticipants')) or 0
            if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 and redis.call('HLEN', KEYS[2]) >= max then
              local all = redis.call('HGETALL', KEYS[2])
              for i = 1, #all, 2 do
                if redis.call('HEXISTS', KEYS[3], all[i]) == 0 then
                  local ok, p = pcall(cjson.decode, all[i + 1])
                  if ok and type(p) == 'table' and type(p.joinedAt) == 'string' and p.joinedAt < ARGV[5] then
                    redis.call('HDEL', KEYS[2], all[i])
                  end
                end
              end
              if redis.call('HLEN', KEYS[2]) >= max then return -2 end
            end
            redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('HSET', KEYS[1], 'expiresAt', ARGV[4])
            return redis.call('HLEN', KEYS[2])
            """, Long.class);

    /** -1 no room, -2 no such participant, else 1. */
    private static final RedisScript<Long> LEAVE = RedisScript.of("""
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if redis.call('HDEL', KEYS[2], ARGV[1]) == 0 then return -2 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[2])
            redis.call('HSET', KEYS[1], 'expiresAt', ARGV[3])
            return 1
            """, Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final JsonMapper json;

    public RoomStore(ReactiveStringRedisTemplate redis, JsonMapper json) {
        this.redis = redis;
        this.json = json;
    }

    /** Stores a new room with the given TTL; false if the id is taken (never in practice with 128 random bits). */
    public Mono<Boolean> create(Room room, Duration ttl) {
        return redis.execute(CREATE, keys(room.roomId()), List.of(
                        room.name() == null ? "" : room.name(),
                        Integer.toString(room.maxParticipants()),
                        room.createdAt().toString(),
                        room.expiresAt().toString(),
                        Long.toString(ttl.toMillis())))
                .next()
                .map(result -> result == 1L);
    }

    /**
     * The room, its participants and which of them are connected to signaling, refreshing the TTL; empty when the
     * room does not exist.
     */
    public Mono<Optional<StoredRoom>> touchAndRead(String roomId, Duration ttl, Instant expiresAt) {
        return RedisScripts.results(redis.execute(TOUCH_AND_READ, keysWithPresence(roomId),
                        List.of(Long.toString(ttl.toMillis()), expiresAt.toString())))
                .map(reply -> {
                    long n = reply.isEmpty() ? -1 : RedisScripts.number(reply.get(0));
                    if (n < 0) {
                        return Optional.empty();
                    }
                    Map<String, String> fields = new HashMap<>();
                    for (int i = 1; i + 1 <= n; i += 2) {
                        fields.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
                    }
                    int participantsAt = (int) n + 2;
                    int presenceAt = participantsAt + (int) RedisScripts.number(reply.get((int) n + 1));
                    List<Participant> participants = new ArrayList<>();
                    for (int i = participantsAt; i < presenceAt; i++) {
                        readParticipant(roomId, String.valueOf(reply.get(i))).ifPresent(participants::add);
                    }
                    participants.sort(Comparator.comparing(Participant::joinedAt,
                            Comparator.nullsLast(Comparator.naturalOrder())));
                    Set<String> present = new HashSet<>();
                    for (int i = presenceAt; i < reply.size(); i++) {
                        present.add(String.valueOf(reply.get(i)));
                    }
                    List<String> connected = participants.stream().map(Participant::participantId)
                            .filter(present::contains).toList();
                    return Optional.of(new StoredRoom(toRoom(roomId, fields), participants, connected));
                });
    }

    /**
     * Adds a participant if the room exists and has room for one: {@link #NO_ROOM}, {@link #FULL} or the count. In a
     * full room, participants who joined before {@code unconnectedBefore} and never connected to signaling give up
     * their seats first.
     */
    public Mono<Long> join(String roomId, Participant participant, Duration ttl, Instant expiresAt,
                           Instant unconnectedBefore) {
        return redis.execute(JOIN, keysWithPresence(roomId), List.of(participant.participantId(),
                        json.writeValueAsString(participant), Long.toString(ttl.toMillis()), expiresAt.toString(),
                        unconnectedBefore.truncatedTo(ChronoUnit.MILLIS).toString()))
                .next();
    }

    /** Removes a participant: {@link #NO_ROOM}, {@link #NO_PARTICIPANT} or 1. */
    public Mono<Long> leave(String roomId, String participantId, Duration ttl, Instant expiresAt) {
        return redis.execute(LEAVE, keys(roomId), List.of(participantId, Long.toString(ttl.toMillis()),
                        expiresAt.toString()))
                .next();
    }

    /** Whether the room exists and lists the participant now (false once it left, was removed or the room ended). */
    public Mono<Boolean> isParticipant(String roomId, String participantId) {
        return redis.opsForHash().hasKey(RedisKeys.participants(roomId), participantId);
    }

    /** A room with its participants and the ids of those connected to signaling, as read in one script. */
    public record StoredRoom(Room room, List<Participant> participants, List<String> connectedParticipantIds) {
    }

    private static List<String> keys(String roomId) {
        return List.of(RedisKeys.room(roomId), RedisKeys.participants(roomId));
    }

    /** The same plus signaling's presence hash, which the api reads but never writes. */
    private static List<String> keysWithPresence(String roomId) {
        return List.of(RedisKeys.room(roomId), RedisKeys.participants(roomId), RedisKeys.presence(roomId));
    }

    private Optional<Participant> readParticipant(String roomId, String value) {
        try {
            return Optional.of(json.readValue(value, Participant.class));
        } catch (RuntimeException e) {
            // Another writer's bad value must not make the whole room unreadable.
            log.warn("skipping unreadable participant entry in room {}: {}", roomId, e.toString());
            return Optional.empty();
        }
    }

    private static Room toRoom(String roomId, Map<String, String> fields) {
        String name = fields.get("name");
        return new Room(roomId,
                name == null || name.isEmpty() ? null : name,
                parseInt(fields.get("maxParticipants")),
                parseInstant(fields.get("createdAt")),
                parseInstant(fields.get("expiresAt")));
    }

    private static int parseInt(String v) {
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant parseInstant(String v) {
        try {
            return v == null ? null : Instant.parse(v);
        } catch (RuntimeException e) {
            return null;
        }
    }
}

package io.babelcall.signaling.support;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.signaling.redis.SignalingRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Writes rooms and participants into Redis as the api does, and signs their tokens. */
public final class Rooms implements AutoCloseable {

    public static final String SECRET = "test-secret-test-secret-test-secret-0123456789";
    public static final ObjectMapper JSON = JsonMapper.builder().build();

    private final SignalingRedis client;
    private final SignalingRedis.Connection connection;
    public final RedisClusterCommands<String, String> redis;
    public final ParticipantTokens tokens = new ParticipantTokens(SECRET, Clock.systemUTC());

    public Rooms(String redisUrl) {
        this(SignalingRedis.server(RedisClient.create(redisUrl)));
    }

    private Rooms(SignalingRedis client) {
        this.client = client;
        this.connection = client.connect();
        this.redis = connection.sync();
    }

    /** On the Redis Cluster one of whose nodes is at {@code nodeUrl}; caption events are then sharded. */
    public static Rooms onCluster(String nodeUrl) {
        return new Rooms(SignalingRedis.cluster(RedisClusterClient.create(RedisURI.create(nodeUrl))));
    }

    public String newRoom() {
        String roomId = "r" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        redis.hset(RedisKeys.room(roomId), Map.of("name", "test", "maxParticipants", "6",
                "createdAt", now.toString(), "expiresAt", now.plus(Duration.ofHours(24)).toString()));
        redis.expire(RedisKeys.room(roomId), 86400);
        return roomId;
    }

    public Participant add(String roomId, String name, String spoken, String caption, boolean dubbing) {
        Participant p = new Participant("p-" + name + "-" + UUID.randomUUID().toString().substring(0, 6), name,
                LanguageCode.of(spoken), LanguageCode.of(caption), dubbing, Instant.now());
        redis.hset(RedisKeys.participants(roomId), p.participantId(), JSON.writeValueAsString(p));
        redis.expire(RedisKeys.participants(roomId), 86400);
        return p;
    }

    public ParticipantClaims claims(String roomId, Participant p) {
        return claims(roomId, p, Duration.ofHours(1));
    }

    public ParticipantClaims claims(String roomId, Participant p, Duration validFor) {
        Instant now = Instant.now();
        return new ParticipantClaims(roomId, p.participantId(), p.displayName(), p.spokenLanguage(),
                p.captionLanguage(), p.dubbing(), now.minusSeconds(1), now.plus(validFor), UUID.randomUUID().toString());
    }

    public String token(String roomId, Participant p) {
        return tokens.sign(claims(roomId, p));
    }

    public Participant stored(String roomId, String participantId) {
        String v = redis.hget(RedisKeys.participants(roomId), participantId);
        return v == null ? null : JSON.readValue(v, Participant.class);
    }

    public void publishEvent(String roomId, String json) {
        if (client.sharded()) {
            redis.spublish(RedisKeys.events(roomId), json); // as the orchestrator publishes on a cluster
        } else {
            redis.publish(RedisKeys.events(roomId), json);
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}

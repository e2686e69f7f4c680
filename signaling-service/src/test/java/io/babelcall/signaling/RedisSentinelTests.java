package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.support.FaultReplicas;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.RedisSentinels;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Redis behind Sentinel (a master, a replica, a Sentinel: real Debian binaries): two replicas find the master through
 * the Sentinel; the master crashes mid-call and the Sentinel promotes the replica. Nobody is evicted, and relays,
 * chat and presence writes work again within 10 s.
 */
class RedisSentinelTests {

    static RedisSentinels redis;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static Rooms rooms;

    @BeforeAll
    static void start() {
        redis = RedisSentinels.start();
        rooms = new Rooms(redis.master().url());
        String[] sentinel = {"--spring.data.redis.sentinel.master=" + RedisSentinels.MASTER_NAME,
                "--spring.data.redis.sentinel.nodes=" + redis.nodes()};
        a = FaultReplicas.start(sentinel);
        b = FaultReplicas.start(sentinel);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        rooms.close();
        redis.close();
    }

    @Test
    void aFailoverDuringACallEvictsNobodyAndTheCallGoesOn() {
        String room = rooms.newRoom();
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient aliceWs = WsClient.connect(ReplicaPairFixture.ws(a, rooms.token(room, alice)));
        aliceWs.next("welcome");
        WsClient bobWs = WsClient.connect(ReplicaPairFixture.ws(b, rooms.token(room, bob)));
        bobWs.next("welcome");
        RedisClient toReplica = RedisClient.create(redis.replica().url());
        try (StatefulRedisConnection<String, String> replica = toReplica.connect()) {
            // the room is on the replica before the master goes
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    replica.sync().hlen(RedisKeys.presence(room)) == 2);
            redis.killMaster();
            // the Sentinel disconnects the promoted node's clients: an error on the way is retried
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> replica.sync().role().get(0).toString()
                    .contains("master"));
            // within 10 s of the promotion: a relay across replicas (pub/sub on the new master) and a stored update
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                aliceWs.send("{\"type\":\"offer\",\"to\":\"" + bob.participantId() + "\",\"sdp\":\"v=0\\r\\n\"}");
                assertThat(bobWs.next("offer", n -> true, Duration.ofMillis(400)).path("from").asString())
                        .isEqualTo(alice.participantId());
            });
            bobWs.send("{\"type\":\"language\",\"captionLanguage\":\"ca\"}");
            JsonNode updated = aliceWs.next("peer-updated", n -> "ca".equals(n.path("peer").path("captionLanguage")
                    .asString()), Duration.ofSeconds(10));
            assertThat(updated.path("peer").path("participantId").asString()).isEqualTo(bob.participantId());
            assertThat(replica.sync().hget(RedisKeys.participants(room), bob.participantId())).contains("\"ca\"");
            // nobody was evicted on the way
            List<JsonNode> seen = aliceWs.all(Duration.ofSeconds(3));
            assertThat(seen).noneMatch(n -> "peer-left".equals(n.path("type").asString()));
            assertThat(aliceWs.isOpen()).isTrue();
            assertThat(bobWs.isOpen()).isTrue();
            assertThat(replica.sync().hexists(RedisKeys.participants(room), alice.participantId())).isTrue();
        } finally {
            toReplica.shutdown();
            aliceWs.close();
            bobWs.close();
        }
    }
}

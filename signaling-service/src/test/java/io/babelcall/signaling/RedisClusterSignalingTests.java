package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.signaling.support.FaultReplicas;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two signaling replicas on a real 3-master Redis Cluster ({@code spring.data.redis.cluster.nodes}): a call across the
 * replicas (room broadcasts, relays to the other replica's channel, caption events published with SPUBLISH as the
 * orchestrator does on a cluster), then every node the call uses (the room's slot and each replica's channel) is
 * restarted in turn; the room shares its node with a replica's channel, so that replica re-subscribes to two slots. Nobody is evicted, and relays, chat and captions work again within 10 s of each restart.
 */
class RedisClusterSignalingTests {

    static RedisCluster cluster;
    static RedisClusterClient admin;
    static StatefulRedisClusterConnection<String, String> slots;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static Rooms rooms;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        String seed = "redis://127.0.0.1:" + cluster.port(0);
        rooms = Rooms.onCluster(seed);
        admin = RedisClusterClient.create(RedisURI.create(seed));
        slots = admin.connect();
        a = FaultReplicas.start("--spring.data.redis.cluster.nodes=" + cluster.nodes());
        b = FaultReplicas.start("--spring.data.redis.cluster.nodes=" + cluster.nodes());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, rooms, slots}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep stopping the rest
            }
        }
        if (admin != null) {
            admin.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Index of the node serving {@code key}'s slot. */
    static int nodeOf(String key) {
        int port = slots.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri().getPort();
        return IntStream.range(0, 3).filter(i -> cluster.port(i) == port).findFirst().orElseThrow();
    }

    static String replicaChannel(ConfigurableApplicationContext ctx) {
        return RedisKeys.signalingReplicaSignal(ctx.getBean(ReplicaBus.class).replicaId());
    }

    @Test
    void aCallAcrossReplicasWorksOnAClusterAndSurvivesRestartsOfItsNodes() {
        // A room on the node of replica A's own channel: after that node restarts, A must subscribe again to channels
        // of two slots on one node (Lettuce's own re-subscription sends them in one SSUBSCRIBE: CROSSSLOT).
        String room = rooms.newRoom();
        while (nodeOf(RedisKeys.room(room)) != nodeOf(replicaChannel(a))) {
            room = rooms.newRoom();
        }
        Participant alice = rooms.add(room, "alice", "en", "en", false);
        Participant bob = rooms.add(room, "bob", "en", "en", false);
        WsClient aliceWs = WsClient.connect(ReplicaPairFixture.ws(a, rooms.token(room, alice)));
        aliceWs.next("welcome");
        WsClient bobWs = WsClient.connect(ReplicaPairFixture.ws(b, rooms.token(room, bob)));
        bobWs.next("welcome");
        try {
            assertThat(aliceWs.next("peer-joined").path("peer").path("participantId").asString())
                    .isEqualTo(bob.participantId());
            callWorks(room, alice, aliceWs, bob, bobWs, 0);

            TreeSet<Integer> used = new TreeSet<>(List.of(nodeOf(RedisKeys.room(room)), nodeOf(replicaChannel(a)),
                    nodeOf(replicaChannel(b))));
            int round = 1;
            for (int node : used) {
                cluster.restartNode(node);
                callWorks(room, alice, aliceWs, bob, bobWs, round++);
            }

            // nobody was evicted on the way
            assertThat(aliceWs.all(Duration.ofSeconds(3))).noneMatch(n -> "peer-left".equals(n.path("type").asString()));
            assertThat(aliceWs.isOpen()).isTrue();
            assertThat(bobWs.isOpen()).isTrue();
            assertThat(rooms.redis.hexists(RedisKeys.participants(room), alice.participantId())).isTrue();
            assertThat(rooms.redis.hexists(RedisKeys.participants(room), bob.participantId())).isTrue();
        } finally {
            aliceWs.close();
            bobWs.close();
        }
    }

    /** Within 10 s: a relay each way across the replicas, a chat broadcast and a sharded caption event reach both. */
    private static void callWorks(String room, Participant alice, WsClient aliceWs, Participant bob, WsClient bobWs,
                                  int round) {
        Duration poll = Duration.ofMillis(400);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            aliceWs.send("{\"type\":\"offer\",\"to\":\"" + bob.participantId() + "\",\"sdp\":\"v=0 r" + round + "\"}");
            assertThat(bobWs.next("offer", n -> n.path("sdp").asString().equals("v=0 r" + round), poll)
                    .path("from").asString()).isEqualTo(alice.participantId());
        });
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            bobWs.send("{\"type\":\"answer\",\"to\":\"" + alice.participantId() + "\",\"sdp\":\"v=0 a" + round + "\"}");
            assertThat(aliceWs.next("answer", n -> n.path("sdp").asString().equals("v=0 a" + round), poll)
                    .path("from").asString()).isEqualTo(bob.participantId());
        });
        String text = "chat round " + round;
        bobWs.send("{\"type\":\"chat\",\"text\":\"" + text + "\"}");
        assertThat(aliceWs.next("chat", n -> n.path("text").asString().equals(text), Duration.ofSeconds(10))
                .path("from").asString()).isEqualTo(bob.participantId());
        String caption = "caption round " + round;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + alice.participantId()
                    + "\",\"utteranceId\":\"u" + round + "\",\"seq\":" + (round + 1)
                    + ",\"language\":\"en\",\"text\":\"" + caption + "\",\"final\":true}");
            for (WsClient c : List.of(aliceWs, bobWs)) {
                JsonNode t = c.next("transcript", n -> n.path("text").asString().equals(caption), poll);
                assertThat(t.path("speaker").asString()).isEqualTo(alice.participantId());
            }
        });
    }
}

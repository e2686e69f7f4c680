package io.babelcall.signaling.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.testsupport.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Signaling's presence scripts on a real 3-master Redis Cluster: each gets exactly the keys of one room (one slot)
 * through KEYS, so connect, takeover by another replica, media update, language update and removal all run; a script
 * given a key of another slot (a replica's member set, as before) fails with CROSSSLOT. A restart of the node that
 * holds the room is survived without help.
 */
class PresenceStoreClusterTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static RedisCluster cluster;
    static RedisClusterClient client;
    static StatefulRedisClusterConnection<String, String> redis;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:" + cluster.port(0)));
        redis = client.connect();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            redis.close();
            client.shutdown();
        }
        cluster.close();
    }

    static final Participant ANN = new Participant("ann", "Ann", LanguageCode.of("en"), LanguageCode.of("es"), false,
            Instant.parse("2026-01-01T00:00:00Z"));

    /** A fresh room listing {@link #ANN}, as the api leaves it after her join. */
    static String roomWithAnn() {
        String room = "r" + UUID.randomUUID().toString().replace("-", "");
        redis.sync().hset(RedisKeys.room(room), "name", "t");
        redis.sync().hset(RedisKeys.participants(room), "ann", JSON.writeValueAsString(ANN));
        return room;
    }

    @Test
    void presenceScriptsRunOnACluster() {
        String room = roomWithAnn();
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        PresenceStore onA = new PresenceStore(client, JSON, a, Duration.ofHours(1));
        PresenceStore onB = new PresenceStore(client, JSON, b, Duration.ofHours(1));
        Participant ann = ANN;
        try {

            assertThat(onA.connect(room, "ann", new PresenceEntry(a, "c1", true, true, "connected")).previous())
                    .isNull();
            assertThat(onA.members(a)).extracting(m -> m[0] + "/" + m[1]).containsExactly(room + "/ann");
            // takeover by replica B: A's member set loses the entry
            assertThat(onB.connect(room, "ann", new PresenceEntry(b, "c2", true, true, "connected")).previous()
                    .replica()).isEqualTo(a);
            assertThat(onA.members(a)).isEmpty();
            assertThat(onB.putIfConn(room, "ann", "c2", new PresenceEntry(b, "c2", false, true, "connected")))
                    .isTrue();
            assertThat(onB.updateParticipant(room, new Participant("ann", "Ann", LanguageCode.of("en"),
                    LanguageCode.of("fr"), true, ann.joinedAt()))).isTrue();
            assertThat(onB.present(room)).singleElement()
                    .satisfies(p -> assertThat(p.entry().audio()).isFalse());
            assertThat(onA.removeIfReplica(room, "ann", a)).as("no longer A's").isFalse();
            assertThat(onA.removeIfReplica(room, "ann", b)).isTrue();
            assertThat(onB.members(b)).isEmpty();
            assertThat(onB.listedIds(room)).isEmpty();
        } finally {
            onA.close();
            onB.close();
        }
    }

    @Test
    void presenceSurvivesARestartOfTheNodeHoldingTheRoom() {
        String room = roomWithAnn();
        String a = "a-" + UUID.randomUUID();
        PresenceStore onA = new PresenceStore(client, JSON, a, Duration.ofHours(1));
        try {
            assertThat(onA.connect(room, "ann", new PresenceEntry(a, "c1", true, true, "connected"))).isNotNull();

            int port = redis.getPartitions().getPartitionBySlot(SlotHash.getSlot(RedisKeys.room(room))).getUri()
                    .getPort();
            int node = java.util.stream.IntStream.range(0, 3).filter(i -> cluster.port(i) == port).findFirst()
                    .orElseThrow();
            cluster.restartNode(node);

            // The client reconnects by itself; the node kept its data (append-only file) and its slots (nodes.conf).
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() ->
                    assertThat(onA.putIfConn(room, "ann", "c1", new PresenceEntry(a, "c1", false, true, "connected")))
                            .isTrue());
            assertThat(onA.present(room)).singleElement().satisfies(p -> assertThat(p.entry().audio()).isFalse());
        } finally {
            onA.close();
        }
    }
}

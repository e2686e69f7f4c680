package io.babelcall.signaling.media.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.RedisKeys;
import io.babelcall.testsupport.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The speech tap finds the orchestrator replicas on a real Redis Cluster, where each replica's endpoint key lives in
 * its own slot: one lookup reads endpoints spread over every node, and a replica whose key is gone is dropped.
 */
class TapReplicasClusterTests {

    @Test
    void liveReplicasAreReadAcrossSlots() throws Exception {
        try (RedisCluster cluster = RedisCluster.start()) {
            RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:"
                    + cluster.port(0)));
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                // ids whose endpoint keys land on three different nodes
                Set<String> nodes = new HashSet<>();
                List<String> ids = new java.util.ArrayList<>();
                for (int i = 0; ids.size() < 3; i++) {
                    String id = "orch-" + i;
                    String node = c.getPartitions().getPartitionBySlot(SlotHash.getSlot(RedisKeys.tapReplica(id)))
                            .getNodeId();
                    if (nodes.add(node)) {
                        ids.add(id);
                    }
                }
                for (int i = 0; i < ids.size(); i++) {
                    c.sync().set(RedisKeys.tapReplica(ids.get(i)),
                            "{\"host\":\"10.0.0." + (i + 1) + "\",\"port\":" + (5000 + i) + ",\"taps\":" + i + "}");
                }
                c.sync().sadd(RedisKeys.TAP_REPLICAS, ids.get(0), ids.get(1), ids.get(2), "orch-gone");

                TapReplicas replicas = new TapReplicas(c.async(), JsonMapper.builder().build());
                List<TapReplicas.Replica> live = replicas.live().get(5, TimeUnit.SECONDS);

                assertThat(live).extracting(TapReplicas.Replica::id).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(live).filteredOn(r -> r.id().equals(ids.get(2))).singleElement()
                        .satisfies(r -> assertThat(r.endpoint().port()).isEqualTo(5002));
                assertThat(replicas.pick(live).id()).as("least loaded").isEqualTo(ids.get(0));
                // the replica without an endpoint key was dropped from the set
                org.awaitility.Awaitility.await().until(() -> !c.sync().sismember(RedisKeys.TAP_REPLICAS, "orch-gone"));
            } finally {
                client.shutdown();
            }
        }
    }
}

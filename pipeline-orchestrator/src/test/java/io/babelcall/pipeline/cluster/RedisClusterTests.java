package io.babelcall.pipeline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.registry.EngineCache;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.PipelineTestBase;
import io.babelcall.testsupport.RedisCluster;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The orchestrator on a real 3-master Redis Cluster ({@code spring.data.redis.cluster.nodes}): one /ws/audio utterance
 * is transcribed and translated, its caption events reach a sharded subscriber ({@code SSUBSCRIBE}, as signaling
 * subscribes on a cluster; a plain PUBLISH never reaches it), the transcript stream serves the export, and the engine
 * cache stores and returns a value.
 */
@DirtiesContext
class RedisClusterTests extends PipelineTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static RedisCluster cluster;

    @Autowired
    private ReactiveRedisConnectionFactory connections;

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.cluster.nodes", () -> {
            synchronized (RedisClusterTests.class) {
                if (cluster == null) {
                    cluster = RedisCluster.start();
                }
                return cluster.nodes();
            }
        });
    }

    @AfterAll
    static void stopCluster() {
        // The context (DirtiesContext) closes after this class's callbacks, so only the processes stop here.
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anUtteranceIsPublishedShardedAndTranscribedOnACluster() throws Exception {
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.script("ann", "hello cluster");

        RedisClusterClient client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:" + cluster.port(0)));
        List<CaptionEvent> received = new CopyOnWriteArrayList<>();
        try (StatefulRedisClusterPubSubConnection<String, String> sub = client.connectPubSub()) {
            sub.setNodeMessagePropagation(true);
            sub.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, String channel, String message) {
                    received.add(json.readValue(message, CaptionEvent.class));
                }
            });
            sub.async().ssubscribe(RedisKeys.events(room)).get(5, TimeUnit.SECONDS);

            try (AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
                c.stream(utterance(16000), 16000, 20, 1.5);
                Awaitility.await().atMost(WAIT).until(() -> received.stream().anyMatch(
                        e -> e instanceof Translation t && t.isFinal() && t.language().value().equals("es")));
                c.stop();
            }
            assertThat(received).anyMatch(e -> e instanceof Transcript t && t.isFinal()
                    && t.text().equals("Hello cluster."));
        } finally {
            client.shutdown();
        }

        Awaitility.await().atMost(WAIT).until(() -> new String(get("/api/v1/rooms/" + room + "/transcript",
                "Bearer " + speaker).body(), StandardCharsets.UTF_8).contains("Hello cluster."));
    }

    @Test
    void theEngineCacheWorksOnACluster() {
        // The fake engines replace the cache bean; this is the class the real engines use, on this context's Redis.
        EngineCache cache = new EngineCache(connections,
                new EnginesProperties.Cache(true, Duration.ofDays(1), Duration.ofDays(1), Duration.ofSeconds(2)),
                new EngineMetrics(meters));
        byte[] value = Audio.wav(Audio.silence(16000, 0.01), 16000);
        String key = RedisKeys.synthesisCache("cluster-test");
        cache.put(key, value, Duration.ofMinutes(1)).block(WAIT);
        assertThat(cache.get("tts", key).block(WAIT)).isEqualTo(value);
    }
}

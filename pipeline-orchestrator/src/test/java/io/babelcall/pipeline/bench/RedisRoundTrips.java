package io.babelcall.pipeline.bench;

import io.babelcall.testsupport.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The floor under the orchestration overhead: what Redis round trips alone cost on this host, with no pipeline at all.
 * A thread of its own (as a speaker's worker is) sends a caption-sized PUBLISH every {@code -Dfloor.interval-ms}
 * (20) on one Lettuce connection, as the orchestrator's events go out, in three shapes:
 * <ul>
 *   <li>one round trip (a final transcript acknowledged);</li>
 *   <li>two chained: the second PUBLISH sent from the first one's reply, as the per-speaker queue sends a translation
 *       after its transcript was acknowledged (the shipped order);</li>
 *   <li>two pipelined: both sent at once from the worker, the time to the second reply.</li>
 * </ul>
 * {@code pipeline-orchestrator/bench.sh floor} (results in docs/benchmarks/pipeline.md).
 */
final class RedisRoundTrips {

    private static final String PAYLOAD = "{\"type\":\"translation\",\"speakerId\":\"spk\",\"utteranceId\":\"u-0001\","
            + "\"seq\":1765000000000001,\"language\":\"en\",\"target\":\"ca\",\"text\":\"aquesta és la frase de prova "
            + "que ningú no ha dit abans\",\"isFinal\":true,\"endOfSpeechAt\":\"2026-12-06T08:00:00.000Z\","
            + "\"publishedAt\":\"2026-12-06T08:00:00.002Z\",\"unknown\":[]}";

    static void run(int samples, long intervalMillis) throws Exception {
        RedisClient client = RedisClient.create(RedisServerExtension.redisUrl());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var redis = connection.async();
            List<Double> one = new ArrayList<>();
            List<Double> chained = new ArrayList<>();
            List<Double> pipelined = new ArrayList<>();
            int warm = Math.min(500, samples / 5);
            for (int i = 0; i < samples + warm; i++) {
                boolean measured = i >= warm;
                long t0 = System.nanoTime();
                redis.publish("floor:one", PAYLOAD).toCompletableFuture().get(5, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                Thread.sleep(intervalMillis);

                long c0 = System.nanoTime();
                CompletableFuture<Long> second = redis.publish("floor:chain", PAYLOAD).toCompletableFuture()
                        .thenCompose(n -> redis.publish("floor:chain", PAYLOAD).toCompletableFuture());
                second.get(5, TimeUnit.SECONDS);
                long c1 = System.nanoTime();
                Thread.sleep(intervalMillis);

                long p0 = System.nanoTime();
                var unused = redis.publish("floor:pipe", PAYLOAD);
                redis.publish("floor:pipe", PAYLOAD).toCompletableFuture().get(5, TimeUnit.SECONDS);
                long p1 = System.nanoTime();
                Thread.sleep(intervalMillis);
                if (measured) {
                    one.add((t1 - t0) / 1e6);
                    chained.add((c1 - c0) / 1e6);
                    pipelined.add((p1 - p0) / 1e6);
                }
            }
            System.out.printf("%n== floor: Redis round trips alone, one Lettuce connection, a PUBLISH of %d bytes every "
                    + "%d ms from a worker thread, %d samples each ==%n", PAYLOAD.length(), intervalMillis, samples);
            PipelineBenchmark.report("one round trip", one, 0);
            PipelineBenchmark.report("two chained (the second sent from the first's reply)", chained, 0);
            PipelineBenchmark.report("two pipelined (sent together, to the second reply)", pipelined, 0);
        } finally {
            client.shutdown();
        }
    }

    private RedisRoundTrips() {
    }
}

package io.babelcall.pipeline.faults;

import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.PrivateRedis;
import io.babelcall.testsupport.ReadinessProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The orchestrator on a Redis of this test's own, stalled (SIGSTOP) and resumed: readiness follows Redis, liveness
 * stays up.
 */
class RedisOutageTests {

    static PrivateRedis redis;
    static ConfigurableApplicationContext orchestrator;

    @BeforeAll
    static void start() {
        redis = PrivateRedis.start();
        orchestrator = new SpringApplicationBuilder(PipelineApplication.class).run("--server.port=0",
                "--babelcall.tap.port=0", "--spring.data.redis.url=" + redis.url(),
                "--babelcall.token.secret=" + Rooms.SECRET, "--spring.main.banner-mode=off",
                "--spring.lifecycle.timeout-per-shutdown-phase=3s");
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        redis.close();
    }

    @Test
    void readinessIs503WithinASecondWhileRedisIsStalledAndRecoversByItself() {
        int port = Integer.parseInt(orchestrator.getEnvironment().getRequiredProperty("local.server.port"));
        new ReadinessProbe(port).followsRedisThroughAStall(redis);
    }
}

package io.babelcall.api;

import io.babelcall.testsupport.PrivateRedis;
import io.babelcall.testsupport.ReadinessProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The api on a Redis of this test's own, stalled (SIGSTOP) and resumed: readiness follows Redis, liveness stays up. */
class RedisOutageTests {

    static PrivateRedis redis;
    static ConfigurableApplicationContext api;

    @BeforeAll
    static void start() {
        redis = PrivateRedis.start();
        api = new SpringApplicationBuilder(ApiApplication.class).run("--server.port=0",
                "--spring.data.redis.url=" + redis.url(), "--babelcall.token.secret=" + ApiTestSupport.TOKEN_SECRET,
                "--spring.main.banner-mode=off", "--spring.lifecycle.timeout-per-shutdown-phase=3s");
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        redis.close();
    }

    @Test
    void readinessIs503WithinASecondWhileRedisIsStalledAndRecoversByItself() {
        int port = Integer.parseInt(api.getEnvironment().getRequiredProperty("local.server.port"));
        new ReadinessProbe(port).followsRedisThroughAStall(redis);
    }
}

package io.babelcall.signaling.support;

import io.babelcall.signaling.SignalingApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Signaling replicas for fault-injection tests, with timings scaled down so faults of a few seconds outlast them:
 * replica TTL 2 s, refresh and sweep 0.5 s, pings every 1 s with a 4 s timeout, a 3 s reconnect grace (production:
 * 10 s, 3 s, 5 s, 10 s, 30 s, 15 s). {@code redisArgs} say where Redis is (a URL or Sentinel settings).
 */
public final class FaultReplicas {

    private FaultReplicas() {
    }

    public static ConfigurableApplicationContext start(String... redisArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--babelcall.token.secret=" + Rooms.SECRET,
                "--babelcall.signaling.reconnect-grace=3s",
                "--babelcall.signaling.presence.replica-ttl=2s",
                "--babelcall.signaling.presence.refresh-interval=500ms",
                "--babelcall.signaling.presence.sweep-interval=500ms",
                "--babelcall.signaling.heartbeat.interval=1s",
                "--babelcall.signaling.heartbeat.timeout=4s",
                "--spring.lifecycle.timeout-per-shutdown-phase=3s",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(redisArgs));
        return new SpringApplicationBuilder(SignalingApplication.class).run(args.toArray(String[]::new));
    }
}

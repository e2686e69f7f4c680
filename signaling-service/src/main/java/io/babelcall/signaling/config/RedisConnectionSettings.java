package io.babelcall.signaling.config;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.springframework.core.env.Environment;

/**
 * The Redis this replica talks to, from the same {@code spring.data.redis.*} keys the other services give to Spring
 * Data: a single server ({@code url}), or a master found through Sentinel ({@code sentinel.master} and
 * {@code sentinel.nodes}, with {@code password} for the data nodes and {@code sentinel.password} for the Sentinels).
 * With Sentinel, every reconnect asks the Sentinels for the current master, so a failover needs nothing else.
 */
final class RedisConnectionSettings {

    private RedisConnectionSettings() {
    }

    static RedisURI uri(Environment env, Duration timeout) {
        String master = env.getProperty("spring.data.redis.sentinel.master", "");
        String nodes = env.getProperty("spring.data.redis.sentinel.nodes", "");
        if (master.isBlank() || nodes.isBlank()) {
            RedisURI uri = RedisURI.create(env.getRequiredProperty("spring.data.redis.url"));
            uri.setTimeout(timeout);
            return uri;
        }
        RedisURI.Builder b = null;
        for (String node : nodes.split(",", -1)) {
            String hostPort = node.strip();
            if (hostPort.isEmpty()) {
                continue; // "a:26379,,b:26379" or a trailing comma
            }
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            int port = colon < 0 ? RedisURI.DEFAULT_SENTINEL_PORT : Integer.parseInt(hostPort.substring(colon + 1));
            String sentinelPassword = env.getProperty("spring.data.redis.sentinel.password", "");
            if (b == null) {
                b = sentinelPassword.isEmpty() ? RedisURI.Builder.sentinel(host, port, master)
                        : RedisURI.Builder.sentinel(host, port, master, sentinelPassword);
            } else if (sentinelPassword.isEmpty()) {
                b.withSentinel(host, port);
            } else {
                b.withSentinel(host, port, sentinelPassword);
            }
        }
        if (b == null) {
            throw new IllegalStateException("spring.data.redis.sentinel.nodes names no host:port");
        }
        String password = env.getProperty("spring.data.redis.password", "");
        if (!password.isEmpty()) {
            b.withPassword(password.toCharArray());
        }
        return b.withTimeout(timeout).build();
    }
}

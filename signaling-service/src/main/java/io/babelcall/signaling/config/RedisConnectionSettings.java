package io.babelcall.signaling.config;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The Redis this replica talks to, from the same {@code spring.data.redis.*} keys the other services give to Spring
 * Data: a single server ({@code url}), a master found through Sentinel ({@code sentinel.master} and
 * {@code sentinel.nodes}, with {@code password} for the data nodes and {@code sentinel.password} for the Sentinels),
 * or a Redis Cluster ({@code cluster.nodes}: some of its nodes, the rest is discovered). With Sentinel, every
 * reconnect asks the Sentinels for the current master, so a failover needs nothing else.
 */
final class RedisConnectionSettings {

    private RedisConnectionSettings() {
    }

    /** The cluster's seed nodes, empty when {@code spring.data.redis.cluster.nodes} is not set. */
    static List<RedisURI> clusterNodes(Environment env, Duration timeout) {
        List<String> nodes = Binder.get(env).bind("spring.data.redis.cluster.nodes", Bindable.listOf(String.class))
                .orElse(List.of());
        String password = env.getProperty("spring.data.redis.password", "");
        List<RedisURI> out = new ArrayList<>();
        for (String node : nodes) {
            HostPort hp = HostPort.parse(node, RedisURI.DEFAULT_REDIS_PORT);
            if (hp == null) {
                continue;
            }
            RedisURI.Builder b = RedisURI.Builder.redis(hp.host(), hp.port()).withTimeout(timeout);
            if (!password.isEmpty()) {
                b.withPassword(password.toCharArray());
            }
            out.add(b.build());
        }
        if (out.isEmpty() && !nodes.isEmpty()) {
            throw new IllegalStateException("spring.data.redis.cluster.nodes names no host:port");
        }
        return out;
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
        String sentinelPassword = env.getProperty("spring.data.redis.sentinel.password", "");
        for (String node : nodes.split(",", -1)) {
            HostPort hp = HostPort.parse(node, RedisURI.DEFAULT_SENTINEL_PORT);
            if (hp == null) {
                continue;
            }
            if (b == null) {
                b = sentinelPassword.isEmpty() ? RedisURI.Builder.sentinel(hp.host(), hp.port(), master)
                        : RedisURI.Builder.sentinel(hp.host(), hp.port(), master, sentinelPassword);
            } else if (sentinelPassword.isEmpty()) {
                b.withSentinel(hp.host(), hp.port());
            } else {
                b.withSentinel(hp.host(), hp.port(), sentinelPassword);
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

    private record HostPort(String host, int port) {

        /** {@code host:port} or {@code host}; null for an empty entry ("a:1,,b:2" or a trailing comma). */
        static HostPort parse(String node, int defaultPort) {
            String hostPort = node.strip();
            if (hostPort.isEmpty()) {
                return null;
            }
            int colon = hostPort.lastIndexOf(':');
            return colon < 0 ? new HostPort(hostPort, defaultPort)
                    : new HostPort(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        }
    }
}

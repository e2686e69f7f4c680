package io.babelcall.support.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Publishes on a room channel ({@code room:{roomId}:...}) in the one pub/sub mode every service agrees on: on a Redis
 * Cluster sharded pub/sub ({@code SPUBLISH}, Redis 7: the message goes only to the shard that owns the channel's
 * slot, instead of every node over the cluster bus), on a single Redis or Sentinel plain {@code PUBLISH}. Subscribers
 * must use the same mode ({@code SSUBSCRIBE} vs {@code SUBSCRIBE}): the two are separate namespaces, a message sent in
 * one never reaches a subscriber of the other. Spring Data Redis has no SPUBLISH, so cluster mode goes through the
 * factory's own Lettuce {@link RedisClusterClient} on one connection of its own.
 */
public class RoomPublisher implements AutoCloseable {

    private final ReactiveStringRedisTemplate template;
    private final RedisClusterClient cluster;
    private volatile StatefulRedisClusterConnection<String, String> connection;

    public RoomPublisher(ReactiveRedisConnectionFactory factory, ReactiveStringRedisTemplate template) {
        this.template = template;
        this.cluster = sharded(factory) ? (RedisClusterClient) ((LettuceConnectionFactory) factory).getNativeClient()
                : null;
    }

    /** Whether {@code factory} talks to a Redis Cluster, so room channels are sharded. */
    public static boolean sharded(ReactiveRedisConnectionFactory factory) {
        return factory instanceof LettuceConnectionFactory lettuce && lettuce.isClusterAware();
    }

    public boolean sharded() {
        return cluster != null;
    }

    /** Publishes {@code message}; emits the number of subscribers that received it (on the owning shard). */
    public Mono<Long> publish(String channel, String message) {
        if (cluster == null) {
            return template.convertAndSend(channel, message);
        }
        return Mono.defer(() -> connection().reactive().spublish(channel, message));
    }

    private StatefulRedisClusterConnection<String, String> connection() {
        StatefulRedisClusterConnection<String, String> c = connection;
        if (c == null) {
            synchronized (this) {
                c = connection;
                if (c == null) {
                    c = cluster.connect();
                    connection = c;
                }
            }
        }
        return c;
    }

    @Override
    public void close() {
        StatefulRedisClusterConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
    }
}

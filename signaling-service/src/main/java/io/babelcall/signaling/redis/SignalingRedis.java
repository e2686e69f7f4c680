package io.babelcall.signaling.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Objects;
import reactor.core.Disposable;

/**
 * The Redis this replica talks to: one server or a Sentinel-found master ({@link RedisClient}), or a Redis Cluster
 * ({@link RedisClusterClient}). Callers use the commands both share; on a cluster, a command routes to the node of its
 * key (a multi-key MGET is split per slot by Lettuce) and room channels are sharded ({@link #sharded()}).
 */
public final class SignalingRedis {

    private final RedisClient server;
    private final RedisClusterClient cluster;

    private SignalingRedis(RedisClient server, RedisClusterClient cluster) {
        this.server = server;
        this.cluster = cluster;
    }

    public static SignalingRedis server(RedisClient client) {
        return new SignalingRedis(Objects.requireNonNull(client), null);
    }

    public static SignalingRedis cluster(RedisClusterClient client) {
        return new SignalingRedis(null, Objects.requireNonNull(client));
    }

    /**
     * Whether room and replica channels use sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}): on a cluster, as the
     * orchestrator publishes caption events there; plain pub/sub otherwise.
     */
    public boolean sharded() {
        return cluster != null;
    }

    /** A new command connection; close it when done. */
    public Connection connect() {
        if (cluster != null) {
            StatefulRedisClusterConnection<String, String> c = cluster.connect();
            return new Connection(c, c.sync(), c.async());
        }
        StatefulRedisConnection<String, String> c = server.connect();
        return new Connection(c, c.sync(), c.async());
    }

    /**
     * A new pub/sub connection. On a cluster it is a {@code StatefulRedisClusterPubSubConnection}: sharded
     * subscriptions go to the node owning each channel's slot, and its messages reach only cluster listeners.
     */
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
        return cluster != null ? cluster.connectPubSub() : server.connectPubSub();
    }

    /**
     * Runs {@code action} whenever one of this client's connections (re)connects, on Lettuce's event thread; the
     * returned handle stops it.
     */
    public Disposable onConnectionActivated(Runnable action) {
        var resources = cluster != null ? cluster.getResources() : server.getResources();
        return resources.eventBus().get().filter(ConnectionActivatedEvent.class::isInstance)
                .subscribe(e -> action.run());
    }

    public void shutdown() {
        if (cluster != null) {
            cluster.shutdown();
        } else {
            server.shutdown();
        }
    }

    /** A command connection with the sync and async commands a single server and a cluster have in common. */
    public record Connection(StatefulConnection<String, String> stateful, RedisClusterCommands<String, String> sync,
                             RedisClusterAsyncCommands<String, String> async) implements AutoCloseable {
        @Override
        public void close() {
            stateful.close();
        }
    }
}

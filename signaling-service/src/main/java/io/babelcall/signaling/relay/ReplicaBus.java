package io.babelcall.signaling.relay;

import io.babelcall.common.room.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis pub/sub between replicas. One connection publishes (fire and forget, so publishing never blocks a socket
 * thread; Lettuce keeps the order of commands on a connection) and one subscribes to the {@code signal} and
 * {@code events} channels of exactly the rooms that have local sessions. Lettuce calls the listener on one I/O thread
 * in arrival order, which keeps per-speaker caption order and offer-before-ice order.
 */
public class ReplicaBus {

    private static final Logger log = LoggerFactory.getLogger(ReplicaBus.class);
    private static final String PREFIX = "room:";
    private static final String SIGNAL_SUFFIX = RedisKeys.signal("").substring(PREFIX.length());
    private static final String EVENTS_SUFFIX = RedisKeys.events("").substring(PREFIX.length());

    private final String replicaId;
    private final StatefulRedisConnection<String, String> publisher;
    private final RedisAsyncCommands<String, String> publish;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private volatile BusListener listener;

    public ReplicaBus(RedisClient client, String replicaId) {
        this.replicaId = replicaId;
        this.publisher = client.connect();
        this.publish = publisher.async();
        this.subscriber = client.connectPubSub();
        this.subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }
        });
    }

    public String replicaId() {
        return replicaId;
    }

    public void setListener(BusListener listener) {
        this.listener = listener;
    }

    /** Subscribes to the room's channels; completes once Redis confirmed, so nothing published after is missed. */
    public CompletableFuture<Void> subscribeRoom(String roomId) {
        return subscriber.async().subscribe(RedisKeys.signal(roomId), RedisKeys.events(roomId))
                .toCompletableFuture().thenApply(v -> null);
    }

    public void unsubscribeRoom(String roomId) {
        subscriber.async().unsubscribe(RedisKeys.signal(roomId), RedisKeys.events(roomId));
    }

    /** Publishes to the room's other replicas; never blocks. */
    public void publish(String roomId, Envelope envelope) {
        publish.publish(RedisKeys.signal(roomId), envelope.encode()).exceptionally(e -> {
            log.warn("publish to room {} failed: {}", roomId, e.toString());
            return null;
        });
    }

    private void dispatch(String channel, String message) {
        BusListener l = listener;
        if (l == null || !channel.startsWith(PREFIX)) {
            return;
        }
        try {
            if (channel.endsWith(SIGNAL_SUFFIX)) {
                if (Envelope.isFrom(message, replicaId)) {
                    return; // delivered locally already
                }
                Envelope e = Envelope.decode(message);
                if (e != null) {
                    l.onEnvelope(channel.substring(PREFIX.length(), channel.length() - SIGNAL_SUFFIX.length()), e);
                }
            } else if (channel.endsWith(EVENTS_SUFFIX)) {
                l.onCaptionEvent(channel.substring(PREFIX.length(), channel.length() - EVENTS_SUFFIX.length()), message);
            }
        } catch (RuntimeException e) {
            log.warn("cannot handle message on {}: {}", channel, e.toString());
        }
    }

    public void close() {
        subscriber.close();
        publisher.close();
    }
}

package io.babelcall.signaling.relay;

import io.babelcall.signaling.config.FireAndForget;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.redis.SignalingRedis;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * Redis pub/sub between replicas.
 *
 * <p>Publishing never blocks the caller: messages go to an outbox that one flusher at a time writes to Redis as a
 * pipeline (one socket write for everything queued, auto-flush off). While a batch is in flight, new messages
 * accumulate, so under load many relays share one command and one write, and when idle a message leaves at once.
 * Relays (offer/answer/ice) go to the channel of the replica holding the target ({@code
 * signaling:replica:{<id>}:signal}), consecutive relays to one replica packed into one PUBLISH; room broadcasts go to
 * {@code room:{<id>}:signal}. Everything leaves through one outbox and one connection, in order, and one subscriber
 * connection receives it in that order (Lettuce calls the listener on one I/O thread), which keeps per-speaker caption
 * order and offer-before-ice order.
 *
 * <p>On a Redis Cluster every channel is sharded ({@code SPUBLISH}/{@code SSUBSCRIBE}): a room's channels share the
 * room's hash tag, so a room's traffic stays on the shard owning its slot instead of crossing the cluster bus to every
 * node, and the orchestrator publishes caption events the same way. Lettuce 6.8 re-subscribes a node's sharded channels
 * after a reconnect in one SSUBSCRIBE, which the server refuses (CROSSSLOT) as soon as they span two slots; so this
 * bus subscribes again itself, one SSUBSCRIBE per slot (the replica's channel, then each room's pair), whenever a
 * connection comes back.
 */
public class ReplicaBus {

    private static final Logger log = LoggerFactory.getLogger(ReplicaBus.class);
    /** Messages waiting while Redis is unreachable before new ones are dropped (the outbox must stay bounded). */
    private static final int MAX_PENDING = 100_000;
    /** Largest packed relay batch in characters; a larger batch is split into several PUBLISHes. */
    private static final int MAX_BATCH_CHARS = 256 * 1024;
    /** How long after a connection comes back the channels are subscribed again (the others reconnect meanwhile). */
    private static final long RESUBSCRIBE_DELAY_MS = 200;

    private final String replicaId;
    private final String ownChannel;
    private final boolean sharded;
    private final SignalingRedis.Connection publisher;
    private final RedisClusterAsyncCommands<String, String> publish;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final ConcurrentLinkedQueue<Out> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile long lastDropLogNanos;
    private volatile BusListener listener;
    /** Rooms subscribed to, for re-subscribing them on a cluster. */
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean resubscribeQueued = new AtomicBoolean();
    private final Disposable reconnects;

    /** One queued publication: a room envelope, or a relay to a participant on replica {@code target}. */
    private record Out(String channel, String text, boolean packable) {
    }

    public ReplicaBus(SignalingRedis redis, String replicaId) {
        this.replicaId = replicaId;
        this.ownChannel = RedisKeys.signalingReplicaSignal(replicaId);
        this.sharded = redis.sharded();
        this.publisher = redis.connect();
        this.publisher.stateful().setAutoFlushCommands(false);
        this.publish = publisher.async();
        this.subscriber = redis.connectPubSub();
        if (subscriber instanceof StatefulRedisClusterPubSubConnection<String, String> cluster) {
            // Sharded messages arrive on the connection to the node owning the slot; pass them to this listener.
            cluster.setNodeMessagePropagation(true);
            cluster.addListener(new RedisClusterPubSubAdapter<>() {
                @Override
                public void smessage(RedisClusterNode node, String channel, String message) {
                    dispatch(channel, message);
                }
            });
        } else {
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    dispatch(channel, message);
                }
            });
        }
        try {
            // Before any socket exists on this replica, so no relay addressed to it is missed.
            subscribe(ownChannel).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            subscriber.close();
            publisher.close();
            throw new IllegalStateException("cannot subscribe to " + ownChannel + ": " + e, e);
        }
        this.reconnects = sharded ? redis.onConnectionActivated(this::resubscribeSoon) : null;
    }

    /** Several connections come back together after a node restart: one re-subscription, shortly after. */
    private void resubscribeSoon() {
        if (resubscribeQueued.compareAndSet(false, true)) {
            var unused = CompletableFuture.runAsync(this::resubscribe, // its commands log their own failures
                    CompletableFuture.delayedExecutor(RESUBSCRIBE_DELAY_MS, TimeUnit.MILLISECONDS));
        }
    }

    /** SSUBSCRIBE again, per slot; a channel still subscribed is simply confirmed again by the server. */
    private void resubscribe() {
        resubscribeQueued.set(false);
        FireAndForget.logFailure(subscribe(ownChannel), log, "re-subscribing to " + ownChannel);
        for (String roomId : rooms) {
            FireAndForget.logFailure(subscribe(RedisKeys.signal(roomId), RedisKeys.events(roomId)), log,
                    "re-subscribing to a room");
            if (!rooms.contains(roomId)) { // left meanwhile: do not keep its subscription
                unsubscribeRoom(roomId);
            }
        }
    }

    private RedisFuture<Void> subscribe(String... channels) {
        return sharded ? subscriber.async().ssubscribe(channels) : subscriber.async().subscribe(channels);
    }

    public String replicaId() {
        return replicaId;
    }

    public void setListener(BusListener listener) {
        this.listener = listener;
    }

    /** Subscribes to the room's channels; completes once Redis confirmed, so nothing published after is missed. */
    public CompletableFuture<Void> subscribeRoom(String roomId) {
        rooms.add(roomId);
        return subscribe(RedisKeys.signal(roomId), RedisKeys.events(roomId)).toCompletableFuture().thenApply(v -> null);
    }

    public void unsubscribeRoom(String roomId) {
        rooms.remove(roomId);
        String[] channels = {RedisKeys.signal(roomId), RedisKeys.events(roomId)};
        FireAndForget.logFailure(sharded ? subscriber.async().sunsubscribe(channels)
                : subscriber.async().unsubscribe(channels), log, "unsubscribing from a room");
    }

    /** Publishes to the room's other replicas; never blocks. */
    public void publish(String roomId, Envelope envelope) {
        enqueue(new Out(RedisKeys.signal(roomId), envelope.encode(), false));
    }

    /**
     * Sends a relay to participant {@code to} of room {@code roomId}, connected to replica {@code replica}; never
     * blocks. {@code json} is the message as the target receives it.
     */
    public void relay(String replica, String roomId, String to, long publishedAtMicros, String json) {
        enqueue(new Out(RedisKeys.signalingReplicaSignal(replica),
                RelayRecords.encode(roomId, to, publishedAtMicros, json), true));
    }

    private void enqueue(Out out) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLogNanos > TimeUnit.SECONDS.toNanos(10)) {
                lastDropLogNanos = now;
                log.warn("Redis publish backlog over {} messages; dropping (is Redis reachable?)", MAX_PENDING);
            }
            return;
        }
        outbox.offer(out);
        if (flushing.compareAndSet(false, true)) {
            flush();
        }
    }

    /** Writes everything queued as one pipeline; the next flush starts when this one is answered. */
    private void flush() {
        while (true) {
            RedisFuture<Long> last = null;
            Out out;
            StringBuilder packed = null;
            String packedChannel = null;
            int n = 0;
            while ((out = outbox.poll()) != null) {
                n++;
                if (packed != null && (!out.packable() || !out.channel().equals(packedChannel)
                        || packed.length() + out.text().length() > MAX_BATCH_CHARS)) {
                    last = send(packedChannel, packed.toString());
                    packed = null;
                }
                if (!out.packable()) {
                    last = send(out.channel(), out.text());
                } else if (packed == null) {
                    packed = new StringBuilder(Math.max(1024, out.text().length() * 4)).append(out.text());
                    packedChannel = out.channel();
                } else {
                    packed.append(out.text());
                }
            }
            if (packed != null) {
                last = send(packedChannel, packed.toString());
            }
            pending.addAndGet(-n);
            if (last != null) {
                publisher.stateful().flushCommands();
                // Waiting for the answer before the next flush makes batches grow with load (measured better than
                // flushing again at once: fewer commands and writes, lower p99).
                last.whenComplete((r, e) -> {
                    flushing.set(false);
                    if (!outbox.isEmpty() && flushing.compareAndSet(false, true)) {
                        flush();
                    }
                });
                return;
            }
            flushing.set(false);
            if (outbox.isEmpty() || !flushing.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private RedisFuture<Long> send(String channel, String text) {
        RedisFuture<Long> f = sharded ? publish.spublish(channel, text) : publish.publish(channel, text);
        f.exceptionally(e -> {
            log.warn("publish to {} failed: {}", channel, e.toString());
            return null;
        });
        return f;
    }

    private void dispatch(String channel, String message) {
        BusListener l = listener;
        if (l == null) {
            return;
        }
        try {
            if (channel.equals(ownChannel)) {
                RelayRecords.decode(message, l);
                return;
            }
            String roomId = RedisKeys.roomIdOf(channel);
            if (roomId == null) {
                return;
            }
            if (channel.equals(RedisKeys.signal(roomId))) {
                if (Envelope.isFrom(message, replicaId)) {
                    return; // delivered locally already
                }
                Envelope e = Envelope.decode(message);
                if (e != null) {
                    l.onEnvelope(roomId, e);
                }
            } else if (channel.equals(RedisKeys.events(roomId))) {
                l.onCaptionEvent(roomId, message);
            }
        } catch (RuntimeException e) {
            log.warn("cannot handle message on {}: {}", channel, e.toString());
        }
    }

    public void close() {
        if (reconnects != null) {
            reconnects.dispose();
        }
        subscriber.close();
        publisher.close();
    }
}

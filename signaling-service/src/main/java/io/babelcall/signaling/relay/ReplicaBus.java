package io.babelcall.signaling.relay;

import io.babelcall.signaling.config.FireAndForget;
import io.babelcall.common.room.RedisKeys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 */
public class ReplicaBus {

    private static final Logger log = LoggerFactory.getLogger(ReplicaBus.class);
    /** Messages waiting while Redis is unreachable before new ones are dropped (the outbox must stay bounded). */
    private static final int MAX_PENDING = 100_000;
    /** Largest packed relay batch in characters; a larger batch is split into several PUBLISHes. */
    private static final int MAX_BATCH_CHARS = 256 * 1024;

    private final String replicaId;
    private final String ownChannel;
    private final StatefulRedisConnection<String, String> publisher;
    private final RedisAsyncCommands<String, String> publish;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final ConcurrentLinkedQueue<Out> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private volatile long lastDropLogNanos;
    private volatile BusListener listener;

    /** One queued publication: a room envelope, or a relay to a participant on replica {@code target}. */
    private record Out(String channel, String text, boolean packable) {
    }

    public ReplicaBus(RedisClient client, String replicaId) {
        this.replicaId = replicaId;
        this.ownChannel = RedisKeys.signalingReplicaSignal(replicaId);
        this.publisher = client.connect();
        this.publisher.setAutoFlushCommands(false);
        this.publish = publisher.async();
        this.subscriber = client.connectPubSub();
        this.subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                dispatch(channel, message);
            }
        });
        try {
            // Before any socket exists on this replica, so no relay addressed to it is missed.
            subscriber.async().subscribe(ownChannel).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            subscriber.close();
            publisher.close();
            throw new IllegalStateException("cannot subscribe to " + ownChannel + ": " + e, e);
        }
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
        FireAndForget.logFailure(subscriber.async().unsubscribe(RedisKeys.signal(roomId), RedisKeys.events(roomId)), log,
                "unsubscribing from a room");
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
                publisher.flushCommands();
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
        RedisFuture<Long> f = publish.publish(channel, text);
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
        subscriber.close();
        publisher.close();
    }
}

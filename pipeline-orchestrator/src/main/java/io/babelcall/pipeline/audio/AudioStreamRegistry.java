package io.babelcall.pipeline.audio;

import io.babelcall.common.room.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One audio stream per participant. A new stream replaces an older one on this replica directly, and on other
 * replicas through a claim published on {@link RedisKeys#AUDIO_STREAM_CLAIMS} ({@code roomId participantId
 * streamId}); each replica closes its own older stream of that participant with {@link AudioRejection#REPLACED}.
 * {@link MembershipWatch} ends the streams of participants no longer in their room through {@link Handle#remove};
 * {@link #shutdown} ends every stream (and any opened after it) when the replica shuts down.
 */
public class AudioStreamRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudioStreamRegistry.class);

    /**
     * A registered stream; {@link #replaced()} completes when a newer stream took over, {@link #removed()} when the
     * participant is no longer in the room, {@link #shutdown()} when this replica shuts down.
     */
    public static final class Handle {

        private final String roomId;
        private final String participantId;
        private final String key;
        private final String streamId = UUID.randomUUID().toString();
        private final Sinks.Empty<Void> replaced = Sinks.empty();
        private final Sinks.Empty<Void> removed = Sinks.empty();
        private final Sinks.Empty<Void> shutdown = Sinks.empty();

        private Handle(String roomId, String participantId) {
            this.roomId = roomId;
            this.participantId = participantId;
            this.key = roomId + " " + participantId;
        }

        public String roomId() {
            return roomId;
        }

        public String participantId() {
            return participantId;
        }

        public Mono<Void> replaced() {
            return replaced.asMono();
        }

        public Mono<Void> removed() {
            return removed.asMono();
        }

        public Mono<Void> shutdown() {
            return shutdown.asMono();
        }

        void replace() {
            replaced.tryEmitEmpty();
        }

        void remove() {
            removed.tryEmitEmpty();
        }
    }

    private final Map<String, Handle> local = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;
    private final ReactiveStringRedisTemplate redis;
    private final Disposable subscription;

    public AudioStreamRegistry(ReactiveStringRedisTemplate redis, ReactiveRedisMessageListenerContainer container) {
        this.redis = redis;
        this.subscription = container.receive(ChannelTopic.of(RedisKeys.AUDIO_STREAM_CLAIMS))
                .subscribe(m -> onClaim(m.getMessage()), e -> log.warn("audio stream claims subscription ended: {}",
                        e.toString()));
    }

    /** Registers a new stream of a participant, replacing any older one here and (via Redis) elsewhere. */
    public Handle register(String roomId, String participantId) {
        Handle handle = new Handle(roomId, participantId);
        Handle old = local.put(handle.key, handle);
        if (old != null) {
            old.replace();
        }
        if (shuttingDown) {
            handle.shutdown.tryEmitEmpty(); // opened between the shutdown and the web server's stop
        }
        redis.convertAndSend(RedisKeys.AUDIO_STREAM_CLAIMS, handle.key + " " + handle.streamId)
                .subscribe(n -> { }, e -> log.warn("cannot publish audio stream claim: {}", e.toString()));
        return handle;
    }

    public void unregister(Handle handle) {
        local.remove(handle.key, handle);
    }

    /** Ends every stream open on this replica, and any registered from now on (the replica is shutting down). */
    public void shutdown() {
        shuttingDown = true;
        local.values().forEach(h -> h.shutdown.tryEmitEmpty());
    }

    /** The streams open on this replica, by room. */
    public Map<String, List<Handle>> streamsByRoom() {
        return local.values().stream().collect(Collectors.groupingBy(Handle::roomId));
    }

    private void onClaim(String message) {
        int last = message.lastIndexOf(' ');
        if (last <= 0) {
            return;
        }
        String key = message.substring(0, last);
        String streamId = message.substring(last + 1);
        Handle h = local.get(key);
        if (h != null && !h.streamId.equals(streamId) && local.remove(key, h)) {
            h.replace();
        }
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}

package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.support.redis.RoomPublisher;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;

/**
 * Publishes caption events on the room's events channel as the common {@link CaptionEvent} JSON (with its type),
 * sharded ({@code SPUBLISH}) on a Redis Cluster, where signaling subscribes with {@code SSUBSCRIBE}.
 */
public class CaptionPublisher {

    private final RoomPublisher redis;
    private final ObjectWriter writer;

    public CaptionPublisher(RoomPublisher redis, ObjectMapper json) {
        this.redis = redis;
        this.writer = json.writerFor(CaptionEvent.class);
    }

    public Mono<Void> publish(String roomId, CaptionEvent event) {
        return Mono.fromCallable(() -> writer.writeValueAsString(event))
                .flatMap(payload -> redis.publish(RedisKeys.events(roomId), payload))
                .then();
    }
}

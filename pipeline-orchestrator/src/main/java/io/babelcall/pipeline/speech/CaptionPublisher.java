package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.room.RedisKeys;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;

/** Publishes caption events on the room's events channel as the common {@link CaptionEvent} JSON (with its type). */
public class CaptionPublisher {

    private final ReactiveStringRedisTemplate redis;
    private final ObjectWriter writer;

    public CaptionPublisher(ReactiveStringRedisTemplate redis, ObjectMapper json) {
        this.redis = redis;
        this.writer = json.writerFor(CaptionEvent.class);
    }

    public Mono<Void> publish(String roomId, CaptionEvent event) {
        return Mono.fromCallable(() -> writer.writeValueAsString(event))
                .flatMap(payload -> redis.convertAndSend(RedisKeys.events(roomId), payload))
                .then();
    }
}

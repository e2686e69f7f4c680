package io.babelcall.pipeline.support;

import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.testsupport.RedisServerExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import tools.jackson.databind.ObjectMapper;

/**
 * What a test of the running orchestrator (real WebSocket server on a random port, real Redis) needs to make rooms
 * and listen to their events. Subclasses carry their own {@code @SpringBootTest} (engines and properties differ).
 */
@ExtendWith(RedisServerExtension.class)
public abstract class LiveServerTestBase {

    @LocalServerPort
    protected int port;
    @Autowired
    protected ReactiveStringRedisTemplate redis;
    @Autowired
    protected ObjectMapper json;
    @Autowired
    protected ParticipantTokens tokens;
    @Autowired
    protected ReactiveRedisMessageListenerContainer container;

    protected Rooms newRooms() {
        return new Rooms(redis, json, tokens);
    }

    protected EventCollector events(String roomId) {
        return new EventCollector(container, json, roomId);
    }
}

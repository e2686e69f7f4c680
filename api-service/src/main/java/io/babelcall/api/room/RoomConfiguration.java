package io.babelcall.api.room;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
public class RoomConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public RoomStore roomStore(ReactiveStringRedisTemplate redis, JsonMapper json) {
        return new RoomStore(redis, json);
    }
}

package io.babelcall.support.redis;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.health.DataRedisReactiveHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

/**
 * The health component {@code redis} of the services that use Spring Data Redis (api, orchestrator), bounded by
 * {@link BoundedRedisHealthIndicator#TIMEOUT}: it replaces Spring's own indicator, which waits as long as a command may
 * (so readiness hung for the whole of a Redis outage and a load balancer could not tell).
 */
@AutoConfiguration(after = {DataRedisAutoConfiguration.class, DataRedisReactiveAutoConfiguration.class},
        before = DataRedisReactiveHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ReactiveRedisConnectionFactory.class, ReactiveHealthIndicator.class,
        DataRedisReactiveHealthIndicator.class})
public class RedisReadinessAutoConfiguration {

    /** Named as Spring's, so Spring's own indicator backs off. */
    @Bean
    @ConditionalOnBean(ReactiveRedisConnectionFactory.class)
    ReactiveHealthIndicator redisHealthContributor(ReactiveRedisConnectionFactory factory) {
        return new BoundedRedisHealthIndicator(new DataRedisReactiveHealthIndicator(factory),
                BoundedRedisHealthIndicator.TIMEOUT);
    }
}

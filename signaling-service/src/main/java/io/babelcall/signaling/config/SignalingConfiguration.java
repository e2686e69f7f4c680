package io.babelcall.signaling.config;

import io.babelcall.signaling.redis.SignalingRedis;
import io.babelcall.signaling.media.JanusNodes;
import io.babelcall.signaling.media.SfuNodeMetrics;
import io.babelcall.signaling.media.SfuRooms;
import io.babelcall.signaling.media.tap.SpeechTaps;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.presence.RedisHealthIndicator;
import io.babelcall.signaling.presence.ReplicaHeartbeat;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.signaling.session.SignalingHandler;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import tools.jackson.databind.ObjectMapper;

/** The signaling beans; each can be replaced by declaring one of the same type. */
@Configuration(proxyBeanMethods = false)
public class SignalingConfiguration {

    // Clock, token settings and ParticipantTokens come from service-support's ParticipantTokensAutoConfiguration.

    /**
     * A Lettuce client of its own (pub/sub and fire-and-forget publishes need the native API): a Redis Cluster when
     * {@code spring.data.redis.cluster.nodes} is set, else one server or a Sentinel-found master.
     */
    @Bean(destroyMethod = "shutdown")
    @ConditionalOnMissingBean
    SignalingRedis signalingRedis(Environment env, @Value("${spring.data.redis.timeout:2s}") Duration timeout) {
        // Every command, sync or async, fails after the timeout instead of waiting for Redis to come back.
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        List<RedisURI> clusterNodes = RedisConnectionSettings.clusterNodes(env, timeout);
        if (!clusterNodes.isEmpty()) {
            RedisClusterClient client = RedisClusterClient.create(clusterNodes);
            client.setDefaultTimeout(timeout);
            // A failover or a resharding moves slots: MOVED/ASK answers and reconnects refresh the slot map at once.
            client.setOptions(ClusterClientOptions.builder().timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                    .build());
            return SignalingRedis.cluster(client);
        }
        RedisClient client = RedisClient.create(RedisConnectionSettings.uri(env, timeout));
        client.setDefaultTimeout(timeout);
        client.setOptions(ClientOptions.builder().timeoutOptions(timeouts).build());
        return SignalingRedis.server(client);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PresenceStore presenceStore(SignalingRedis redis, ObjectMapper json, SignalingProperties props) {
        return new PresenceStore(redis.connect(), json, props.replicaId(), props.roomTtl());
    }

    /** Health component {@code redis} (bean name minus the {@code HealthIndicator} suffix). */
    @Bean
    @ConditionalOnMissingBean(name = "redisHealthIndicator")
    RedisHealthIndicator redisHealthIndicator(PresenceStore store) {
        // Readiness must answer within 1 s, 503 while Redis is down, for a load balancer to act on it.
        return new RedisHealthIndicator(store, Duration.ofMillis(500));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ReplicaBus replicaBus(SignalingRedis redis, SignalingProperties props) {
        return new ReplicaBus(redis, props.replicaId());
    }

    @Bean
    @ConditionalOnMissingBean
    SignalingMetrics signalingMetrics(MeterRegistry registry) {
        return new SignalingMetrics(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    SignalingHandler signalingHandler(SignalingProperties props, PresenceStore store, ReplicaBus bus,
                                      SignalingMetrics metrics, ObjectMapper json, Clock clock,
                                      ObjectProvider<SfuRooms> sfu, ObjectProvider<SpeechTaps> taps) {
        return new SignalingHandler(props, store, bus, metrics, json, clock, sfu.getIfAvailable(),
                taps.getIfAvailable());
    }

    /** SFU node counts; present without an SFU too (0 configured), so the node-loss alerts always evaluate. */
    @Bean
    SfuNodeMetrics sfuNodeMetrics(ObjectProvider<JanusNodes> nodes) {
        return new SfuNodeMetrics(nodes::getIfAvailable);
    }

    @Bean
    ReplicaHeartbeat replicaHeartbeat(SignalingProperties props, PresenceStore store, SignalingHandler handler) {
        return new ReplicaHeartbeat(props, store, handler);
    }
}

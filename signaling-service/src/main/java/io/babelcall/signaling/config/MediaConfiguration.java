package io.babelcall.signaling.config;

import io.babelcall.signaling.redis.SignalingRedis;
import io.babelcall.signaling.media.EmptyRoomSweeper;
import io.babelcall.signaling.media.JanusNodes;
import io.babelcall.signaling.media.MediaProperties;
import io.babelcall.signaling.media.SfuHealthIndicator;
import io.babelcall.signaling.media.SfuNodeStats;
import io.babelcall.signaling.media.SfuRooms;
import io.babelcall.signaling.media.tap.SpeechTaps;
import io.babelcall.signaling.media.tap.TapProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The SFU beans, only when Janus nodes are configured ({@code babelcall.signaling.media.nodes}); without them rooms
 * are peer to peer and none of these exist.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${babelcall.signaling.media.nodes[0].url:}'.isEmpty()")
public class MediaConfiguration {

    /** Janus keep-alives, request time-outs and reconnects: light, timer-only work. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService janusTimers() {
        return daemonThread("janus-timers");
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    JanusNodes janusNodes(MediaProperties props, ObjectMapper json, ScheduledExecutorService janusTimers) {
        if (props.apiSecret() == null || props.apiSecret().isBlank() || props.adminKey() == null
                || props.adminKey().isBlank()) {
            throw new IllegalStateException("babelcall.signaling.media.api-secret and .admin-key are required with "
                    + "SFU nodes (from BABELCALL_JANUS_API_SECRET / BABELCALL_JANUS_ADMIN_KEY or Docker secrets)");
        }
        JanusNodes nodes = new JanusNodes(props, json, janusTimers);
        nodes.start();
        return nodes;
    }

    @Bean(destroyMethod = "close")
    SignalingRedis.Connection sfuRedis(SignalingRedis redis) {
        return redis.connect();
    }

    @Bean
    @ConditionalOnMissingBean
    SfuRooms sfuRooms(MediaProperties props, JanusNodes nodes, SignalingRedis.Connection sfuRedis,
                      ScheduledExecutorService janusTimers) {
        SfuRooms rooms = new SfuRooms(props, nodes, sfuRedis.async(), janusTimers);
        nodes.onConnected(rooms::reconcile);
        return rooms;
    }

    /** The speech tap's forwards: one thread owns them all (Redis and Janus answers hop back to it). */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService speechTapThread() {
        return daemonThread("speech-taps");
    }

    private static ScheduledExecutorService daemonThread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "babelcall.signaling.media.tap.enabled", havingValue = "true", matchIfMissing = true)
    SpeechTaps speechTaps(TapProperties tap, MediaProperties props, SignalingRedis.Connection sfuRedis,
                          ObjectMapper json, ScheduledExecutorService speechTapThread, MeterRegistry metrics) {
        return new SpeechTaps(tap, props.adminKey(), sfuRedis.async(), json, speechTapThread, metrics);
    }

    /**
     * Per-node gauges and request latency ({@code babelcall_sfu_node_*}, {@code babelcall_sfu_request_seconds}); its
     * polls also feed the sweeper of VideoRooms left empty.
     */
    @Bean(destroyMethod = "close")
    SfuNodeStats sfuNodeStats(MediaProperties props, JanusNodes nodes, ScheduledExecutorService janusTimers,
                              SfuRooms sfuRooms) {
        SfuNodeStats stats = new SfuNodeStats(props, nodes, janusTimers);
        if (!props.emptyRoomGrace().isZero()) {
            stats.onListed(new EmptyRoomSweeper(props.emptyRoomGrace(), sfuRooms));
        }
        stats.start();
        return stats;
    }

    /** Health component {@code sfu}. */
    @Bean
    SfuHealthIndicator sfuHealthIndicator(JanusNodes nodes) {
        return new SfuHealthIndicator(nodes);
    }
}

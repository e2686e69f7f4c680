package io.babelcall.signaling.config;

import io.babelcall.common.token.ParticipantTokens;
import io.micrometer.observation.ObservationRegistry;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.session.SignalingHandler;
import io.babelcall.signaling.transport.FrameWorkers;
import io.babelcall.signaling.transport.HandshakeCheck;
import io.babelcall.signaling.transport.WebSocketRoute;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.autoconfigure.ReactorNettyProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** {@code /ws}: the handshake check, the route on Reactor Netty, and the workers that handle frames. */
@Configuration(proxyBeanMethods = false)
public class WebSocketConfig {

    /**
     * Spare workers while frames wait on Redis: as many threads as could wait at once before this pool existed
     * (Tomcat's 64 request threads); beyond it, events queue.
     */
    static final int MAX_SPARE_WORKERS = 64;

    @Bean(destroyMethod = "close")
    FrameWorkers frameWorkers(SignalingProperties props, SignalingMetrics metrics) {
        FrameWorkers workers = new FrameWorkers(props.frameWorkers(), MAX_SPARE_WORKERS, "signaling");
        metrics.bindDispatch(workers::framesDispatched, workers::handshakesDispatched, workers.pool());
        return workers;
    }

    /**
     * Event loops of this application's own instead of Reactor Netty's JVM-wide ones, which the first context to close
     * disposes (several replicas run in one JVM in the tests; one stopping must not stop the others' servers).
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory(ReactorNettyProperties reactorNetty) {
        ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        if (reactorNetty.getShutdownQuietPeriod() != null) {
            factory.setShutdownQuietPeriod(reactorNetty.getShutdownQuietPeriod());
        }
        return factory;
    }

    @Bean
    HandshakeCheck handshakeCheck(ParticipantTokens tokens, PresenceStore store, SignalingMetrics metrics,
                                  SignalingProperties props) {
        return new HandshakeCheck(tokens, store, metrics, props.allowedOrigins());
    }

    @Bean
    WebSocketRoute webSocketRoute(HandshakeCheck check, SignalingHandler handler, SignalingProperties props,
                                  SignalingMetrics metrics, FrameWorkers workers,
                                  ObjectProvider<ObservationRegistry> observations) {
        WebSocketRoute route = new WebSocketRoute(check, handler, props, metrics, workers,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
        metrics.bindOutboundQueue(route::queuedChars);
        return route;
    }
}

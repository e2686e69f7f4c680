package io.babelcall.signaling.config;

import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.transport.FrameDispatchExecutor;
import io.babelcall.signaling.transport.OriginSyntaxCheck;
import io.babelcall.signaling.transport.SignalingUpgradeStrategy;
import io.babelcall.signaling.transport.SignalingWebSocketHandler;
import io.babelcall.signaling.transport.TokenHandshakeInterceptor;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/** {@code /ws}: origin check, then token check, then the signaling endpoint. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    public static final String PATH = "/ws";

    private final SignalingWebSocketHandler handler;
    private final SignalingUpgradeStrategy upgrade;
    private final TokenHandshakeInterceptor tokens;
    private final SignalingProperties props;

    public WebSocketConfig(SignalingWebSocketHandler handler, SignalingUpgradeStrategy upgrade,
                           TokenHandshakeInterceptor tokens, SignalingProperties props) {
        this.handler = handler;
        this.upgrade = upgrade;
        this.tokens = tokens;
        this.props = props;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // Spring puts its origin check (403) before the interceptors given here.
        registry.addHandler(handler, PATH)
                .setHandshakeHandler(new DefaultHandshakeHandler(upgrade))
                .setAllowedOrigins(props.allowedOrigins().toArray(String[]::new))
                .addInterceptors(new OriginSyntaxCheck(), tokens);
    }

    /**
     * Per-session container buffer for binary frames, in bytes. Binary messages are only counted (against
     * {@code max-message-bytes}) and refused, never read, so the buffer they pass through in parts can be tiny.
     */
    static final int BINARY_BUFFER_BYTES = 128;

    /**
     * Small per-session container buffers: Tomcat allocates them for every socket, and messages larger than a buffer
     * arrive as partial frames that the handler assembles up to {@code max-message-bytes}.
     */
    @Bean
    ServletServerContainerFactoryBean createWebSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxTextMessageBufferSize(props.frameBufferChars());
        container.setMaxBinaryMessageBufferSize(BINARY_BUFFER_BYTES);
        container.setAsyncSendTimeout(props.send().timeLimit().toMillis());
        container.setMaxSessionIdleTimeout(0L);
        return container;
    }

    /**
     * The connector's executor: WebSocket frames on fork/join frame workers, HTTP requests and handshakes on a pool
     * sized by {@code server.tomcat.threads.*} as Tomcat's own (see {@link FrameDispatchExecutor}).
     */
    @Bean(destroyMethod = "close")
    FrameDispatchExecutor frameDispatchExecutor(TomcatServerProperties tomcat, SignalingMetrics metrics) {
        FrameDispatchExecutor executor = new FrameDispatchExecutor(props.frameWorkers(),
                tomcat.getThreads().getMinSpare(), tomcat.getThreads().getMax(), "signaling");
        metrics.bindDispatch(executor::framesDispatched, executor::requestsDispatched, executor.frameWorkers());
        return executor;
    }

    /** Smaller socket read/write buffers per connection (Tomcat's default is 8 KiB each), and the executor above. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> signalingConnector(FrameDispatchExecutor executor) {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setProperty("socket.appReadBufSize", Integer.toString(props.socketBufferBytes()));
            connector.setProperty("socket.appWriteBufSize", Integer.toString(props.socketBufferBytes()));
            connector.getProtocolHandler().setExecutor(executor);
        });
    }
}

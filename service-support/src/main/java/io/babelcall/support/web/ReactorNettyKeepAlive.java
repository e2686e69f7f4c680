package io.babelcall.support.web;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Works around a Reactor Netty HTTP/1.1 server bug (reactor/reactor-netty#4347, #4361; present in the 1.3.x that
 * Boot brings here): a keep-alive request that arrives before the previous response's operations have terminated is
 * queued and never read, so about 1 in 100 requests on a reused connection gets no answer at all (measured on the
 * orchestrator: 42 of 3000 alternating health and 401 requests on one socket). Flushing the last response without
 * waiting for a read terminates those operations first; with it, 0 of 9000. Set before Reactor Netty's
 * {@code HttpTrafficHandler} is loaded, which happens when the web server starts, after this runs. An explicit
 * {@code -Dreactor.netty.http.server.lastFlushWhenNoRead=false} is left alone. Remove once Boot brings a fixed
 * Reactor Netty (checked by the api's {@code KeepAliveTests}).
 */
public final class ReactorNettyKeepAlive implements EnvironmentPostProcessor {

    static final String PROPERTY = "reactor.netty.http.server.lastFlushWhenNoRead";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "true");
        }
    }
}

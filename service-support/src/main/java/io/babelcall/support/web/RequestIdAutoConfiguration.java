package io.babelcall.support.web;

import io.babelcall.support.logging.CallLog;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * Request ids for the WebFlux services (api, orchestrator, signaling): the {@link RequestIdWebFilter} and the MDC accessor that
 * lets Reactor's automatic context propagation put {@code requestId} in the MDC of every thread serving the request.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class RequestIdAutoConfiguration {

    static {
        // one accessor per JVM: it owns the context key Slf4jThreadLocalAccessor.KEY
        ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor(CallLog.REQUEST_ID));
    }

    @Bean
    @ConditionalOnMissingBean
    RequestIdWebFilter requestIdWebFilter() {
        return new RequestIdWebFilter();
    }
}

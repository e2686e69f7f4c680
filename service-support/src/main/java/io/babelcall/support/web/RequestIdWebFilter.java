package io.babelcall.support.web;

import io.babelcall.support.logging.CallLog;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Gives every HTTP request of a WebFlux service a request id: the caller's {@code X-Request-Id} when it is well formed
 * (1-64 of {@code [A-Za-z0-9._-]}), otherwise a new one (a malformed id is replaced, never echoed). The id is echoed in
 * the response header, is the MDC field {@code requestId} of every log line of the request (through the Reactor
 * context, which {@code spring.reactor.context-propagation=auto} restores on each thread), and {@link #propagate()}
 * sends it on with the service's own calls to another service. Each request ends with a DEBUG line naming its route.
 */
public class RequestIdWebFilter implements WebFilter, Ordered {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Logger log = LoggerFactory.getLogger(RequestIdWebFilter.class);

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = accept(exchange.getRequest().getHeaders().getFirst(HEADER));
        exchange.getResponse().getHeaders().set(HEADER, id);
        Mono<Void> served = chain.filter(exchange).doFinally(signal -> {
            try (MDC.MDCCloseable ignored = MDC.putCloseable(CallLog.REQUEST_ID, id)) {
                Object route = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
                log.debug("{} {} answered {}", exchange.getRequest().getMethod(), route == null ? "(no route)" : route,
                        exchange.getResponse().getStatusCode());
            }
        });
        return served.contextWrite(context(id));
    }

    /** The incoming id if well formed, else a new one. */
    public static String accept(String incoming) {
        return incoming != null && WELL_FORMED.matcher(incoming).matches() ? incoming : generate();
    }

    static String generate() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** The Reactor context entry that the registered MDC accessor restores as {@code requestId}. */
    public static Context context(String id) {
        return Context.of(Slf4jThreadLocalAccessor.KEY, Map.of(CallLog.REQUEST_ID, id));
    }

    /** The request id in {@code context}, if a request is being served. */
    public static Optional<String> current(ContextView context) {
        return context.<Map<?, ?>>getOrEmpty(Slf4jThreadLocalAccessor.KEY)
                .map(m -> m.get(CallLog.REQUEST_ID))
                .map(Object::toString);
    }

    /**
     * For a {@code WebClient} calling another service: sends the current request's id as {@code X-Request-Id}, or a
     * new one for a call made outside a request.
     */
    public static ExchangeFilterFunction propagate() {
        return (request, next) -> Mono.deferContextual(context -> next.exchange(ClientRequest.from(request)
                .headers(h -> h.set(HEADER, current(context).orElseGet(RequestIdWebFilter::generate)))
                .build()));
    }

    /** Right after the security headers: even a refused request has its id. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}

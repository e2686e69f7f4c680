package io.babelcall.support.web;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Security headers on every response of a WebFlux service: {@code X-Content-Type-Options: nosniff} (no body, not even
 * a transcript or an error, is ever sniffed into HTML), {@code Referrer-Policy: no-referrer} (a room URL is its own
 * access key), {@code X-Frame-Options: DENY}, and the service's own Content-Security-Policy and Permissions-Policy.
 * It runs first and sets the headers just before the response is committed, so responses that other filters write
 * themselves (refusals, errors) carry them too.
 */
public class SecurityHeadersWebFilter implements WebFilter, Ordered {

    /** The policy of a service that serves no page: nothing may be loaded, run, submitted or framed. */
    public static final String NOTHING_ALLOWED = "default-src 'none'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";
    /** No browser feature for a service that serves no page. */
    public static final String NO_FEATURES = "camera=(), microphone=(), display-capture=(), autoplay=(), "
            + "geolocation=(), payment=(), usb=()";

    private final String contentSecurityPolicy;
    private final String permissionsPolicy;

    public SecurityHeadersWebFilter(String contentSecurityPolicy, String permissionsPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
        this.permissionsPolicy = permissionsPolicy;
    }

    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        exchange.getResponse().beforeCommit(() -> {
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Permissions-Policy", permissionsPolicy);
            headers.set("Content-Security-Policy", contentSecurityPolicy);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}

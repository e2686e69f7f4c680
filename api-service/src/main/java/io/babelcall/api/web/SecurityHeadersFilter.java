package io.babelcall.api.web;

import io.babelcall.api.config.ApiProperties;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Security headers on every response. The Content-Security-Policy lets the page run only its own scripts and talk
 * only to this origin plus the configured signaling, audio and orchestrator origins (WebSocket and HTTP); camera and
 * microphone stay allowed for this origin so getUserMedia works. {@code Referrer-Policy: no-referrer} because a room
 * URL is its own access key.
 */
@Component
public class SecurityHeadersFilter implements WebFilter, Ordered {

    private final String contentSecurityPolicy;

    public SecurityHeadersFilter(ApiProperties properties) {
        Set<String> connect = new LinkedHashSet<>();
        connect.add("'self'");
        addOrigin(connect, properties.signalingUrl());
        addOrigin(connect, properties.audioUrl());
        addOrigin(connect, properties.orchestratorUrl());
        Set<String> media = new LinkedHashSet<>();
        media.add("'self'");
        media.add("blob:");
        addOrigin(media, properties.orchestratorUrl());
        this.contentSecurityPolicy = "default-src 'self'; "
                + "script-src 'self'; "
                + "worker-src 'self' blob:; "
                + "style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; "
                + "font-src 'self' data:; "
                + "media-src " + String.join(" ", media) + "; "
                + "connect-src " + String.join(" ", connect) + "; "
                + "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
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
            headers.set("Permissions-Policy", "camera=(self), microphone=(self), display-capture=(self), "
                    + "autoplay=(self), geolocation=(), payment=(), usb=()");
            headers.set("Content-Security-Policy", contentSecurityPolicy);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** Adds the scheme://host[:port] of an absolute URL; relative URLs are same-origin, covered by 'self'. */
    private static void addOrigin(Set<String> sources, String url) {
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return;
            }
            String origin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            sources.add(origin);
        } catch (IllegalArgumentException e) {
            // validated URLs only reach here; an unparsable one simply adds no source
        }
    }
}

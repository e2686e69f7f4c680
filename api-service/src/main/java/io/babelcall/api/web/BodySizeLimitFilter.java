package io.babelcall.api.web;

import io.babelcall.api.config.ApiProperties;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a declared oversized body before reading any of it (413). Bodies without {@code Content-Length} (chunked)
 * are capped by {@code spring.codec.max-in-memory-size}, which the error mapping also turns into 413.
 */
@Component
public class BodySizeLimitFilter implements WebFilter, Ordered {

    private final long maxBytes;

    public BodySizeLimitFilter(ApiProperties properties) {
        this.maxBytes = properties.maxBodySize().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBytes) {
            return Mono.error(new ApiException(HttpStatus.CONTENT_TOO_LARGE, "body_too_large",
                    "The request body is " + length + " bytes; at most " + maxBytes + " are accepted."));
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}

package io.babelcall.support.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

class SecurityHeadersWebFilterTests {

    /** The headers are set when the response is committed, so a response written further down the chain has them. */
    @Test
    void everyResponseGetsTheHeadersWithTheServicesPolicies() {
        SecurityHeadersWebFilter filter = new SecurityHeadersWebFilter(SecurityHeadersWebFilter.NOTHING_ALLOWED,
                SecurityHeadersWebFilter.NO_FEATURES);
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/anything"));

        filter.filter(exchange, e -> {
            ServerHttpResponse response = e.getResponse();
            response.setStatusCode(HttpStatus.FORBIDDEN);
            return response.writeWith(Mono.just(response.bufferFactory().wrap(new byte[] {'{', '}'})));
        }).block();

        var headers = exchange.getResponse().getHeaders();
        assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(headers.getFirst("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(headers.getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(headers.getFirst("Content-Security-Policy")).isEqualTo(SecurityHeadersWebFilter.NOTHING_ALLOWED);
        assertThat(headers.getFirst("Permissions-Policy")).isEqualTo(SecurityHeadersWebFilter.NO_FEATURES);
        assertThat(filter.getOrder()).isEqualTo(Integer.MIN_VALUE);
    }
}

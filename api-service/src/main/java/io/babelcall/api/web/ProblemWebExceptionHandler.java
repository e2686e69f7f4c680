package io.babelcall.api.web;

import java.util.List;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Replaces Spring Boot's JSON error page: every error of every path (controllers, filters, unknown paths, wrong
 * methods, undecodable bodies) leaves as {@code application/problem+json}, written with the same codecs as normal
 * responses.
 */
@Component
@Order(-2)
public class ProblemWebExceptionHandler implements ErrorWebExceptionHandler {

    private final ProblemMapper mapper;
    private final ServerResponse.Context context;

    public ProblemWebExceptionHandler(ProblemMapper mapper, ServerCodecConfigurer codecs) {
        this.mapper = mapper;
        List<HttpMessageWriter<?>> writers = codecs.getWriters();
        this.context = new ServerResponse.Context() {
            @Override
            public List<HttpMessageWriter<?>> messageWriters() {
                return writers;
            }

            @Override
            public List<ViewResolver> viewResolvers() {
                return List.of();
            }
        };
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        ProblemMapper.Problem problem = mapper.map(ex, exchange.getRequest());
        exchange.getResponse().getHeaders().remove("Content-Length");
        return ServerResponse.status(problem.status())
                .headers(h -> h.addAll(problem.headers()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyValue(problem.body())
                .flatMap(response -> response.writeTo(exchange, context));
    }
}

package io.babelcall.api.web;

import io.babelcall.api.config.ApiProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

/** The web page routes, the request body reader and limit of the server codecs, and the rate limiter. */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration implements WebFluxConfigurer {

    private final ApiProperties properties;
    private final JsonMapper json;

    public WebConfiguration(ApiProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    /**
     * Request bodies are read strictly ({@link RequestJson}), and what the server buffers per body is capped (JSON is
     * decoded whole), so bodies without Content-Length are limited like declared ones; the error mapping turns the
     * overflow into 413. Only the server's readers are affected, not this service's own HTTP clients.
     */
    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().jacksonJsonDecoder(new JacksonJsonDecoder(RequestJson.strict(json)));
        configurer.defaultCodecs().maxInMemorySize((int) Math.min(Integer.MAX_VALUE, properties.maxBodySize().toBytes()));
    }

    /** A room page URL looks like a room id; anything else under /r/ is a plain 404. */
    private static final String ROOM_PAGE = "/r/{roomId:[A-Za-z0-9_-]{1,64}}";

    @Bean
    @ConditionalOnMissingBean
    public RateLimiter rateLimiter(ReactiveStringRedisTemplate redis, MeterRegistry meters) {
        return new RateLimiter(redis, meters);
    }

    /**
     * {@code /} and {@code /r/{roomId}} (a room's join URL) both serve the single-page client; it reads the room id
     * from its own location. Not cached, so a new deployment's page is picked up at once.
     */
    @Bean
    public RouterFunction<ServerResponse> webPageRoutes() {
        Resource index = new ClassPathResource("static/index.html");
        return RouterFunctions.route(GET("/").or(GET(ROOM_PAGE)), request -> index.exists()
                ? ServerResponse.ok()
                        .contentType(MediaType.TEXT_HTML)
                        .cacheControl(CacheControl.noCache())
                        .bodyValue(index)
                : Mono.error(new ApiException(HttpStatus.NOT_FOUND, "page_missing",
                        "The web client is not packaged in this build (static/index.html is missing).")));
    }
}

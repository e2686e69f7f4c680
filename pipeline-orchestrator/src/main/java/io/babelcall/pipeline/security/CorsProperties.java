package io.babelcall.pipeline.security;

import jakarta.validation.constraints.NotNull;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Browser origins allowed on {@code /api/**} (CORS) and on the audio WebSocket ({@code Origin} header check);
 * {@code babelcall.cors.allowed-origins}.
 */
@Validated
@ConfigurationProperties("babelcall.cors")
public record CorsProperties(
        @DefaultValue({"http://localhost:8080", "http://127.0.0.1:8080"}) @NotNull List<String> allowedOrigins) {

    /** Requests without an Origin header come from non-browser clients and are allowed. */
    public boolean allows(String origin) {
        return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
    }
}

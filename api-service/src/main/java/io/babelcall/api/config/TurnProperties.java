package io.babelcall.api.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code babelcall.turn.*}: ICE servers handed to browsers. TURN entries are issued only when {@code secret} (the
 * coturn {@code static-auth-secret}) is set; without it browsers get STUN only.
 */
@Validated
@ConfigurationProperties("babelcall.turn")
public record TurnProperties(
        @NotNull List<String> stunUrls,
        @NotNull List<String> turnUrls,
        String secret,
        @NotNull Duration ttl) {

    public boolean turnEnabled() {
        return secret != null && !secret.isBlank() && !turnUrls.isEmpty();
    }

    @Override
    public String toString() {
        return "TurnProperties[stunUrls=" + stunUrls + ", turnUrls=" + turnUrls + ", secret=<hidden>, ttl=" + ttl + "]";
    }
}

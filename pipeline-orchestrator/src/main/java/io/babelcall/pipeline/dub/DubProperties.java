package io.babelcall.pipeline.dub;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Dubbed audio kept for listeners to fetch ({@code babelcall.dub.*}). */
@Validated
@ConfigurationProperties("babelcall.dub")
public record DubProperties(@DefaultValue("10m") @NotNull Duration ttl) {

    public DubProperties {
        if (ttl != null && ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("babelcall.dub.ttl must be at least 1 s");
        }
    }
}

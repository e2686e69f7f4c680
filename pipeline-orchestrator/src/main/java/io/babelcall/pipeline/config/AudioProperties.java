package io.babelcall.pipeline.config;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** Limits of the audio ingest WebSocket ({@code babelcall.audio.*}); defaults documented in application.yml. */
@Validated
@ConfigurationProperties("babelcall.audio")
public record AudioProperties(
        @DefaultValue("65536") @Min(1024) @Max(1048576) int maxFrameBytes,
        @DefaultValue("10ms") @NotNull Duration minFrameDuration,
        @DefaultValue("100ms") @NotNull Duration maxFrameDuration,
        @DefaultValue("2.0") @DecimalMin("1.0") double maxRealtimeFactor,
        @DefaultValue("2s") @NotNull Duration rateBurst,
        @DefaultValue("10s") @NotNull Duration startTimeout,
        @DefaultValue("1s") @NotNull Duration membershipCheckInterval) {

    public AudioProperties {
        if (membershipCheckInterval != null && membershipCheckInterval.toMillis() < 100) {
            throw new IllegalArgumentException("babelcall.audio.membership-check-interval must be at least 100ms");
        }
        if (minFrameDuration != null && maxFrameDuration != null && minFrameDuration.compareTo(maxFrameDuration) > 0) {
            throw new IllegalArgumentException("babelcall.audio.min-frame-duration must not exceed max-frame-duration");
        }
    }
}

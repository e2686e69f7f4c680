package io.babelcall.pipeline.audio;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the audio ingest WebSocket ({@code babelcall.audio.*}); defaults documented in application.yml. The rate
 * limit is a token bucket per speaker: {@code rateBurst} of audio, refilled at {@code maxRealtimeFactor} x real time.
 */
@Validated
@ConfigurationProperties("babelcall.audio")
public record AudioProperties(
        @DefaultValue("65536") @Min(1024) @Max(1048576) int maxFrameBytes,
        @DefaultValue("10ms") @NotNull Duration minFrameDuration,
        @DefaultValue("100ms") @NotNull Duration maxFrameDuration,
        @DefaultValue("1.05") @DecimalMin("1.0") @DecimalMax("1000") double maxRealtimeFactor,
        @DefaultValue("3s") @NotNull Duration rateBurst,
        @DefaultValue("10s") @NotNull Duration startTimeout,
        @DefaultValue("1s") @NotNull Duration membershipCheckInterval,
        @DefaultValue("2s") @NotNull Duration handshakeCheckTimeout) {

    public AudioProperties {
        if (membershipCheckInterval != null && membershipCheckInterval.toMillis() < 100) {
            throw new IllegalArgumentException("babelcall.audio.membership-check-interval must be at least 100ms");
        }
        if (minFrameDuration != null && maxFrameDuration != null && minFrameDuration.compareTo(maxFrameDuration) > 0) {
            throw new IllegalArgumentException("babelcall.audio.min-frame-duration must not exceed max-frame-duration");
        }
        if (rateBurst != null && maxFrameDuration != null && rateBurst.compareTo(maxFrameDuration) < 0) {
            throw new IllegalArgumentException("babelcall.audio.rate-burst must hold at least one frame "
                    + "(max-frame-duration), was " + rateBurst.toMillis() + " ms");
        }
    }
}

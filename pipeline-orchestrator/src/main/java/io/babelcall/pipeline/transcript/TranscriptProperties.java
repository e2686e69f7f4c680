package io.babelcall.pipeline.transcript;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The room transcript stream ({@code babelcall.transcript.*}); defaults documented in application.yml. */
@Validated
@ConfigurationProperties("babelcall.transcript")
public record TranscriptProperties(
        @DefaultValue("5000") @Min(10) @Max(1_000_000) int maxEntries,
        @DefaultValue("24h") @NotNull Duration defaultTtl,
        @DefaultValue("10000") @Min(1) @Max(1_000_000) int backlogMaxEntries,
        @DefaultValue("15m") @NotNull Duration backlogMaxAge,
        @DefaultValue("1s") @NotNull Duration retryInterval) {
}

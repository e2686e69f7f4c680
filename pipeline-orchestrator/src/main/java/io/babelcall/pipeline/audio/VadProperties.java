package io.babelcall.pipeline.audio;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Voice activity detection and endpointing ({@code babelcall.vad.*}). Durations are rounded to the detector's 10 ms
 * analysis frames.
 */
@Validated
@ConfigurationProperties("babelcall.vad")
public record VadProperties(
        @DefaultValue("300ms") @NotNull Duration hangover,
        @DefaultValue("200ms") @NotNull Duration preRoll,
        @DefaultValue("80ms") @NotNull Duration minSpeech,
        @DefaultValue("15s") @NotNull Duration maxUtterance,
        @DefaultValue("12") @DecimalMin("3") @DecimalMax("40") double snrDb,
        @DefaultValue("-55") @DecimalMin("-90") @DecimalMax("-10") double minLevelDb,
        @DefaultValue("0.4") @DecimalMin("0.05") @DecimalMax("1.0") double maxZeroCrossingRate,
        @DefaultValue("2s") @NotNull Duration noiseWindow,
        @DefaultValue("220ms") @NotNull Duration earlyHangover,
        @DefaultValue("100ms") @NotNull Duration speculativeFinalAfter) {

    public VadProperties {
        check(hangover, 20, 5_000, "hangover");
        check(preRoll, 0, 2_000, "pre-roll");
        check(minSpeech, 10, 1_000, "min-speech");
        check(maxUtterance, 1_000, 60_000, "max-utterance");
        check(noiseWindow, 200, 30_000, "noise-window");
        check(earlyHangover, 0, 5_000, "early-hangover");
        check(speculativeFinalAfter, 0, 5_000, "speculative-final-after");
        if (hangover != null && earlyHangover != null && earlyHangover.compareTo(hangover) > 0) {
            throw new IllegalArgumentException("babelcall.vad.early-hangover must not exceed hangover ("
                    + hangover.toMillis() + " ms), got " + earlyHangover.toMillis() + " ms");
        }
    }

    /** Defaults, for code that builds a detector without Spring (tests, benchmark). */
    public static VadProperties defaults() {
        return new VadProperties(Duration.ofMillis(300), Duration.ofMillis(200), Duration.ofMillis(80),
                Duration.ofSeconds(15), 12, -55, 0.4, Duration.ofSeconds(2), Duration.ofMillis(220),
                Duration.ofMillis(100));
    }

    private static void check(Duration d, long minMs, long maxMs, String name) {
        if (d != null && (d.toMillis() < minMs || d.toMillis() > maxMs)) {
            throw new IllegalArgumentException("babelcall.vad." + name + " must be between " + minMs + " ms and "
                    + maxMs + " ms, got " + d.toMillis() + " ms");
        }
    }
}

package io.babelcall.pipeline.speech;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** The per-speaker speech pipeline ({@code babelcall.pipeline.*}). */
@Validated
@ConfigurationProperties("babelcall.pipeline")
public record PipelineProperties(
        @DefaultValue("300ms") @NotNull Duration interimInterval,
        @DefaultValue("1s") @NotNull Duration interimTranslationInterval,
        @DefaultValue("3") @Min(2) int stableAgreement,
        @DefaultValue("1s") @NotNull Duration listenerCacheTtl,
        @DefaultValue("8s") @NotNull Duration recognitionTimeout,
        @DefaultValue("3s") @NotNull Duration translationTimeout,
        @DefaultValue("5s") @NotNull Duration synthesisTimeout,
        @DefaultValue("16s") @NotNull Duration shutdownDrain,
        @DefaultValue("true") boolean speculativeTranslation) {

    public PipelineProperties {
        positive(recognitionTimeout, "recognition-timeout");
        positive(translationTimeout, "translation-timeout");
        positive(synthesisTimeout, "synthesis-timeout");
        positive(shutdownDrain, "shutdown-drain");
        if (interimInterval != null && interimInterval.isNegative()) {
            throw new IllegalArgumentException("babelcall.pipeline.interim-interval must not be negative");
        }
        if (interimTranslationInterval != null && interimTranslationInterval.isNegative()) {
            throw new IllegalArgumentException("babelcall.pipeline.interim-translation-interval must not be negative");
        }
    }

    /** Whether interim hypotheses are translated at all (a zero interval turns it off). */
    public boolean interimTranslation() {
        return !interimTranslationInterval.isZero();
    }

    private static void positive(Duration d, String name) {
        if (d != null && (d.isZero() || d.isNegative())) {
            throw new IllegalArgumentException("babelcall.pipeline." + name + " must be positive");
        }
    }
}

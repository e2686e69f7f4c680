package io.babelcall.pipeline.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The participant-token signing key shared with api and signaling ({@code babelcall.token.secret}, env
 * {@code BABELCALL_TOKEN_SECRET}, or a Docker secret file {@code /run/secrets/babelcall.token.secret}). No default.
 */
@Validated
@ConfigurationProperties("babelcall.token")
public record TokenProperties(
        @NotBlank(message = "babelcall.token.secret is required: set BABELCALL_TOKEN_SECRET (at least 32 bytes, the "
                + "same value as the api and signaling services)") String secret) {
}

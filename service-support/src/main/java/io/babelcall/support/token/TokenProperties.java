package io.babelcall.support.token;

import io.babelcall.common.token.ParticipantTokens;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code babelcall.token.*}: the participant-token signing key (the same in all three services, from the environment
 * or a secrets file, never defaulted) and how long a token the api issues lives (default 4 h).
 */
@Validated
@ConfigurationProperties("babelcall.token")
public record TokenProperties(
        @NotBlank(message = "is required: set BABELCALL_TOKEN_SECRET (or the secret file babelcall.token.secret) "
                + "to a random string of at least 32 bytes, e.g. the output of: openssl rand -base64 48")
        String secret,
        @DefaultValue("4h") @NotNull Duration ttl) {

    /** Checked here rather than with @Size so the message talks about bytes and never echoes the secret. */
    @AssertTrue(message = "babelcall.token.secret (BABELCALL_TOKEN_SECRET) must be at least "
            + ParticipantTokens.MIN_KEY_BYTES + " bytes long; generate one with: openssl rand -base64 48")
    public boolean isSecretLongEnough() {
        return secret == null || secret.isBlank()
                || secret.getBytes(StandardCharsets.UTF_8).length >= ParticipantTokens.MIN_KEY_BYTES;
    }

    @Override
    public String toString() {
        return "TokenProperties[secret=<hidden>, ttl=" + ttl + "]";
    }
}

package io.babelcall.signaling.config;

import io.babelcall.common.token.ParticipantTokens;
import jakarta.validation.constraints.NotBlank;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code babelcall.token.secret}: the HS256 key shared with the api; required, at least 32 bytes, no default. */
@Validated
@ConfigurationProperties("babelcall.token")
public record TokenProperties(
        @NotBlank(message = "babelcall.token.secret (env BABELCALL_TOKEN_SECRET) must be set to the key the api signs "
                + "participant tokens with") String secret) {

    public TokenProperties {
        if (secret != null && !secret.isBlank()
                && secret.getBytes(StandardCharsets.UTF_8).length < ParticipantTokens.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("babelcall.token.secret must be at least "
                    + ParticipantTokens.MIN_KEY_BYTES + " bytes long (HS256)");
        }
    }
}

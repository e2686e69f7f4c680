package io.babelcall.support.token;

import io.babelcall.common.token.ParticipantTokens;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code babelcall.token.*}: the participant-token signing key (the same in all three services, from the environment
 * or a secrets file, never defaulted) and how long a token the api issues lives (default 4 h). The key must be at
 * least 32 bytes and not obviously predictable: its estimated entropy ({@link #estimatedBits}) must exceed
 * {@link #MIN_ESTIMATED_BITS}, which refuses 32 identical characters, a word repeated, or 32 hex digits (16 bytes).
 */
@Validated
@ConfigurationProperties("babelcall.token")
public record TokenProperties(
        @NotBlank(message = "is required: set BABELCALL_TOKEN_SECRET (or the secret file babelcall.token.secret) "
                + "to a random string of at least 32 bytes, e.g. the output of: openssl rand -base64 48")
        String secret,
        @DefaultValue("4h") @NotNull Duration ttl) {

    /** The estimate must be above this: HS256 wants a 256-bit key, and 128 bits is the least worth calling random. */
    public static final double MIN_ESTIMATED_BITS = 128;

    /** Checked here rather than with @Size so the message talks about bytes and never echoes the secret. */
    @AssertTrue(message = "babelcall.token.secret (BABELCALL_TOKEN_SECRET) must be at least "
            + ParticipantTokens.MIN_KEY_BYTES + " bytes long; generate one with: openssl rand -base64 48")
    public boolean isSecretLongEnough() {
        return secret == null || secret.isBlank()
                || secret.getBytes(StandardCharsets.UTF_8).length >= ParticipantTokens.MIN_KEY_BYTES;
    }

    @AssertTrue(message = "babelcall.token.secret (BABELCALL_TOKEN_SECRET) is too predictable: repeated or too few "
            + "different characters (estimated entropy must exceed 128 bits); generate one with: openssl rand -base64 48")
    public boolean isSecretUnpredictable() {
        return secret == null || secret.isBlank() || !isSecretLongEnough() || estimatedBits(secret) > MIN_ESTIMATED_BITS;
    }

    /**
     * A rough upper bound of the bits in {@code s}: its length times the Shannon entropy of its own character
     * frequencies. Catches repetition and small alphabets (32 hex digits give at most 128), not every pattern: a
     * secret from a random generator ({@code openssl rand -base64 48} gives about 300) passes with a wide margin.
     */
    public static double estimatedBits(String s) {
        Map<Integer, Integer> counts = new HashMap<>();
        s.codePoints().forEach(cp -> counts.merge(cp, 1, Integer::sum));
        double length = counts.values().stream().mapToInt(Integer::intValue).sum();
        double bits = 0;
        for (int count : counts.values()) {
            bits -= count * (Math.log(count / length) / Math.log(2));
        }
        return bits;
    }

    @Override
    public String toString() {
        return "TokenProperties[secret=<hidden>, ttl=" + ttl + "]";
    }
}

package io.babelcall.support.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * babelcall.token.secret is required, >= 32 bytes and not guessable at a glance (estimated entropy above 128 bits),
 * with a start-up error that says what to do and never shows the secret.
 */
class TokenPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TokenProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(Config.class);

    @Test
    void missingSecretFailsStartUpReadably() {
        runner.run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("babelcall.token.secret").contains("BABELCALL_TOKEN_SECRET");
        });
    }

    @Test
    void shortSecretFailsWithoutEchoingIt() {
        runner.withPropertyValues("babelcall.token.secret=short-secret-31-bytes-long-xxxx").run(context -> {
            assertThat(context).hasFailed();
            String message = rootMessage(context.getStartupFailure());
            assertThat(message).contains("must be at least 32 bytes").doesNotContain("short-secret-31");
        });
    }

    @Test
    void longEnoughRandomSecretStarts() {
        String secret = "q8HFfAbQGL37Hbt9uRSmQzrYYLU0x2Zw"; // 32 characters of base64
        runner.withPropertyValues("babelcall.token.secret=" + secret).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TokenProperties.class).toString()).doesNotContain(secret);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", // 32 identical characters: 0 bits
            "abababababababababababababababab", // 2 symbols: 32 bits
            "changemechangemechangemechangeme", // a word repeated: 90 bits
            "password-password-password-password",
            "0123456789abcdef0123456789abcdef", // 32 hex digits are 16 bytes of key at most: 128 bits
            "00000000000000000000000000000000000000000000000000000000000000000000000000000001"})
    void lowEntropySecretsFailStartUpWithoutEchoingThem(String secret) {
        runner.withPropertyValues("babelcall.token.secret=" + secret).run(context -> {
            assertThat(context).hasFailed();
            String message = rootMessage(context.getStartupFailure());
            assertThat(message).contains("babelcall.token.secret").contains("too predictable")
                    .contains("openssl rand -base64 48").doesNotContain(secret.substring(0, 16));
        });
    }

    /** What run.sh, deploy/secrets.sh and the usual generators produce always passes. */
    @Test
    void generatedSecretsAlwaysPass() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[48];
            random.nextBytes(bytes);
            String base64 = Base64.getEncoder().encodeToString(bytes); // openssl rand -base64 48
            assertThat(TokenProperties.estimatedBits(base64)).isGreaterThan(TokenProperties.MIN_ESTIMATED_BITS);
            String runSh = base64.replaceAll("[/+=]", ""); // run.sh strips /+=
            assertThat(TokenProperties.estimatedBits(runSh)).isGreaterThan(TokenProperties.MIN_ESTIMATED_BITS);
            String hex = HexFormat.of().formatHex(bytes, 0, 32); // openssl rand -hex 32
            assertThat(TokenProperties.estimatedBits(hex)).isGreaterThan(TokenProperties.MIN_ESTIMATED_BITS);
        }
    }

    @Test
    void autoConfigurationSignsAndVerifiesWithTheConfiguredSecretAndDefaultTtl() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParticipantTokensAutoConfiguration.class))
                .withPropertyValues("babelcall.token.secret=" + "sign-with-this-0123456789-abcdefghij")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(TokenProperties.class).ttl()).isEqualTo(Duration.ofHours(4));
                    ParticipantTokens tokens = context.getBean(ParticipantTokens.class);
                    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS); // JWT times are in seconds
                    ParticipantClaims claims = new ParticipantClaims("r", "p", "Ana", LanguageCode.of("en"),
                            LanguageCode.of("es"), false, now, now.plusSeconds(60), "j");
                    assertThat(tokens.verify(tokens.sign(claims))).isEqualTo(claims);
                });
    }

    private static String rootMessage(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}

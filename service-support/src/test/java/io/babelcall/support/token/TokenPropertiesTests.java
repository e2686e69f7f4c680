package io.babelcall.support.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** babelcall.token.secret is required and >= 32 bytes, with a start-up error that says what to do. */
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
    void longEnoughSecretStarts() {
        runner.withPropertyValues("babelcall.token.secret=" + "k".repeat(32)).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TokenProperties.class).toString()).doesNotContain("kkkk");
        });
    }

    @Test
    void autoConfigurationSignsAndVerifiesWithTheConfiguredSecretAndDefaultTtl() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ParticipantTokensAutoConfiguration.class))
                .withPropertyValues("babelcall.token.secret=" + "s".repeat(40))
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

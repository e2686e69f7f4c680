package io.babelcall.support.token;

import io.babelcall.common.token.ParticipantTokens;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * What every service needs to sign or check participant tokens: {@link TokenProperties} (validated at start-up with a
 * readable message), a UTC {@link Clock} and {@link ParticipantTokens}. Each bean can be replaced by declaring one of
 * the same type (tests declare a fixed clock, for instance).
 */
@AutoConfiguration
@EnableConfigurationProperties(TokenProperties.class)
public class ParticipantTokensAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    ParticipantTokens participantTokens(TokenProperties properties, Clock clock) {
        return new ParticipantTokens(properties.secret(), clock);
    }
}

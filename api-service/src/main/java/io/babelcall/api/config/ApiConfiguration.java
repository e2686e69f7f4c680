package io.babelcall.api.config;

import io.babelcall.common.token.ParticipantTokens;
import java.security.SecureRandom;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Collaborators shared by the capabilities; each can be replaced by declaring a bean of the same type. */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    public SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    @ConditionalOnMissingBean
    public ParticipantTokens participantTokens(TokenProperties properties, Clock clock) {
        return new ParticipantTokens(properties.secret(), clock);
    }
}

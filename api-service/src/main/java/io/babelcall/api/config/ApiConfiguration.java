package io.babelcall.api.config;

import java.security.SecureRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Collaborators shared by the capabilities; each can be replaced by declaring a bean of the same type. The clock and
 * the participant-token signer come from service-support's ParticipantTokensAutoConfiguration.
 */
@Configuration(proxyBeanMethods = false)
public class ApiConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public SecureRandom secureRandom() {
        return new SecureRandom();
    }
}

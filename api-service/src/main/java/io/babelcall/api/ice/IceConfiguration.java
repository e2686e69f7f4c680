package io.babelcall.api.ice;

import io.babelcall.api.config.TurnProperties;
import java.time.Clock;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class IceConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public IceServerFactory iceServerFactory(TurnProperties properties, Clock clock) {
        if (!properties.turnEnabled()) {
            LoggerFactory.getLogger(IceConfiguration.class).info(
                    "TURN disabled (babelcall.turn.secret or babelcall.turn.turn-urls not set): browsers get STUN only");
        }
        return new IceServerFactory(properties, clock);
    }
}

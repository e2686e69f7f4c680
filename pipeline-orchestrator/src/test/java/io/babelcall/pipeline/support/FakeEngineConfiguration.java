package io.babelcall.pipeline.support;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Puts {@link FakeEngines} in front of the configured engines (the pipeline asks only the primary router). */
@TestConfiguration(proxyBeanMethods = false)
public class FakeEngineConfiguration {

    @Bean
    @Primary
    FakeEngines fakeEngines() {
        return new FakeEngines();
    }

    /** A replacement router reports its own "engines" health, which the readiness group names. */
    @Bean
    HealthIndicator enginesHealthIndicator() {
        return () -> Health.up().withDetail("engines", "in-process fakes").build();
    }
}

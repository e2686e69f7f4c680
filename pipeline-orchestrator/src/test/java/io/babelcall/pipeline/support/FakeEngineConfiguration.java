package io.babelcall.pipeline.support;

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
}

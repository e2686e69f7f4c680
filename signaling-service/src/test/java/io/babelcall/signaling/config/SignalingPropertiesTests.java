package io.babelcall.signaling.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

class SignalingPropertiesTests {

    @Test
    void theTestDefaultsAreTheProductionDefaults() throws Exception {
        // Tests that build the handler without Spring use defaults(); they must test what production runs.
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
                .forEach(env.getPropertySources()::addLast);
        SignalingProperties production = Binder.get(env).bind("babelcall.signaling", SignalingProperties.class).get();
        SignalingProperties defaults = SignalingProperties.defaults();
        // The replica id is random per process in both.
        assertThat(production).usingRecursiveComparison().ignoringFields("replicaId").isEqualTo(defaults);
    }
}

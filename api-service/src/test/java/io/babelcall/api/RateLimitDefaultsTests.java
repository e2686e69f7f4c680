package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.config.ApiProperties;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * The shipped defaults (application.yml) leave the end-to-end call well inside the limits: there both browsers are
 * on loopback, one client, and together create one room and join (and rejoin after a reload) about four times.
 */
class RateLimitDefaultsTests {

    @Test
    void theEndToEndCallUsesAtMostHalfOfEachDefaultBurst() throws IOException {
        ApiProperties.RateLimit limits = defaults().rateLimit();
        assertThat(limits.enabled()).isTrue();
        int rooms = 1;
        int joinsFromOneAddress = 4; // two participants, each joining once and once more after a reload
        assertThat(limits.burst()).isGreaterThanOrEqualTo(2 * rooms);
        assertThat(limits.joinBurst()).isGreaterThanOrEqualTo(2 * joinsFromOneAddress);
        assertThat(limits.roomJoinBurst()).isGreaterThanOrEqualTo(2 * joinsFromOneAddress);
        // The largest room can gather at once.
        assertThat(limits.roomJoinBurst()).isGreaterThanOrEqualTo(16);
    }

    private static ApiProperties defaults() throws IOException {
        var sources = new YamlPropertySourceLoader().load("defaults", new ClassPathResource("application.yml"));
        return new Binder(ConfigurationPropertySources.from(sources)).bind("babelcall.api", ApiProperties.class).get();
    }
}

package io.babelcall.pipeline.engine;

import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumApyFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumFactory;
import io.babelcall.pipeline.tts.espeak.EspeakFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Engine wiring. Every bean can be replaced by declaring one of the same type: the pipeline depends only on
 * {@link EngineRouter}. A new adapter type is one more {@link EngineFactory} bean (see docs/engines.md).
 *
 * <p>An auto-configuration (listed in {@code META-INF/spring/...AutoConfiguration.imports}, so excluded from
 * component scanning) so that its {@code @ConditionalOnMissingBean}s see every application and test bean: with an
 * own {@link EngineRouter} bean (e.g. fake engines in tests) no real engine is created at all.
 */
@AutoConfiguration
@EnableConfigurationProperties(EnginesProperties.class)
public class EngineConfiguration {

    @Bean
    @ConditionalOnMissingBean
    PocketsphinxFactory pocketsphinxFactory() {
        return new PocketsphinxFactory();
    }

    @Bean
    @ConditionalOnMissingBean
    ApertiumFactory apertiumFactory() {
        return new ApertiumFactory();
    }

    @Bean
    @ConditionalOnMissingBean
    ApertiumApyFactory apertiumApyFactory(ObjectProvider<JsonMapper> json) {
        return new ApertiumApyFactory(json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    @ConditionalOnMissingBean
    EspeakFactory espeakFactory() {
        return new EspeakFactory();
    }

    @Bean
    @ConditionalOnMissingBean
    EngineMetrics engineMetrics(MeterRegistry registry) {
        return new EngineMetrics(registry);
    }

    /** The configured engines; skipped entirely when the application provides its own {@link EngineRouter}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(EngineRouter.class)
    static class ConfiguredEngines {

        /** Builds and validates every instance and route; start-up fails here with the list of configuration errors. */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        EngineRegistry engineRegistry(EnginesProperties properties, List<EngineFactory<?>> factories) {
            return EngineRegistry.create(properties, factories);
        }

        @Bean
        @ConditionalOnMissingBean
        EngineCache engineCache(ReactiveRedisConnectionFactory redis, EnginesProperties properties, EngineMetrics metrics) {
            return new EngineCache(redis, properties.cache(), metrics);
        }

        @Bean
        @ConditionalOnMissingBean(EngineRouter.class)
        EngineRouter engineRouter(EngineRegistry registry, EngineMetrics metrics, EngineCache cache,
                                  EnginesProperties properties) {
            return new DefaultEngineRouter(registry, metrics, properties.cache().enabled() ? cache : null);
        }

        /** Health contributor {@code engines} (bean name minus the {@code HealthIndicator} suffix). */
        @Bean
        @ConditionalOnMissingBean(name = "enginesHealthIndicator")
        EnginesHealthIndicator enginesHealthIndicator(EngineRegistry registry) {
            return new EnginesHealthIndicator(registry);
        }
    }
}

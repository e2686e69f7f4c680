package io.babelcall.pipeline.engine;

import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.health.EnginesHealthIndicator;
import io.babelcall.pipeline.engine.registry.DefaultEngineRouter;
import io.babelcall.pipeline.engine.registry.EngineCache;
import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.stt.openai.OpenAiTranscriptionFactory;
import io.babelcall.pipeline.stt.original.OriginalSttFactory;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import io.babelcall.pipeline.stt.vosk.VoskFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumApyFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumFactory;
import io.babelcall.pipeline.translation.libretranslate.LibreTranslateFactory;
import io.babelcall.pipeline.translation.nllb.NllbFactory;
import io.babelcall.pipeline.translation.vinai.VinaiFactory;
import io.babelcall.pipeline.tts.espeak.EspeakFactory;
import io.babelcall.pipeline.tts.openai.OpenAiSpeechFactory;
import io.babelcall.pipeline.tts.piper.PiperFactory;
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

    /** The connection pool and helpers shared by the remote adapters ({@code babelcall.engines.http}). */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    RemoteEngines remoteEngines(EnginesProperties properties, ObjectProvider<JsonMapper> json) {
        return new RemoteEngines(properties.http(), json.getIfAvailable(() -> JsonMapper.builder().build()));
    }

    @Bean
    @ConditionalOnMissingBean
    OpenAiTranscriptionFactory openAiTranscriptionFactory(RemoteEngines remote) {
        return new OpenAiTranscriptionFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    VoskFactory voskFactory(RemoteEngines remote) {
        return new VoskFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    OriginalSttFactory originalSttFactory(RemoteEngines remote) {
        return new OriginalSttFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    LibreTranslateFactory libreTranslateFactory(RemoteEngines remote) {
        return new LibreTranslateFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    VinaiFactory vinaiFactory(RemoteEngines remote) {
        return new VinaiFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    NllbFactory nllbFactory(RemoteEngines remote) {
        return new NllbFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    OpenAiSpeechFactory openAiSpeechFactory(RemoteEngines remote) {
        return new OpenAiSpeechFactory(remote);
    }

    @Bean
    @ConditionalOnMissingBean
    PiperFactory piperFactory(RemoteEngines remote) {
        return new PiperFactory(remote);
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

        /** resilience4j registries of the instances, exporting resilience4j_* meters. */
        @Bean
        @ConditionalOnMissingBean
        EngineResilience engineResilience(MeterRegistry meters) {
            return new EngineResilience(meters);
        }

        @Bean
        @ConditionalOnMissingBean(EngineRouter.class)
        EngineRouter engineRouter(EngineRegistry registry, EngineMetrics metrics, EngineCache cache,
                                  EnginesProperties properties, EngineResilience resilience) {
            return new DefaultEngineRouter(registry, metrics, properties.cache().enabled() ? cache : null, resilience);
        }

        /** Health contributor {@code engines} (bean name minus the {@code HealthIndicator} suffix). */
        @Bean
        @ConditionalOnMissingBean(name = "enginesHealthIndicator")
        EnginesHealthIndicator enginesHealthIndicator(EngineRegistry registry, EngineResilience resilience) {
            return new EnginesHealthIndicator(registry, resilience);
        }
    }
}

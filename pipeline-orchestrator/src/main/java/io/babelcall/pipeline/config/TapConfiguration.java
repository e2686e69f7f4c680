package io.babelcall.pipeline.config;

import io.babelcall.pipeline.audio.AudioStreamRegistry;
import io.babelcall.pipeline.speech.ListenerDirectory;
import io.babelcall.pipeline.speech.PipelineMetrics;
import io.babelcall.pipeline.speech.SpeakerPipelineFactory;
import io.babelcall.pipeline.tap.SpeechTap;
import io.babelcall.pipeline.tap.TapDirectory;
import io.babelcall.pipeline.tap.TapMetrics;
import io.babelcall.pipeline.tap.TapProperties;
import io.babelcall.pipeline.tap.TapSink;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.ObjectMapper;

/**
 * The RTP speech tap (docs/media.md), on unless {@code babelcall.tap.enabled=false}. Its audio goes into the same
 * speaker pipelines as the audio socket's, on the same workers.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "babelcall.tap.enabled", havingValue = "true", matchIfMissing = true)
public class TapConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TapMetrics tapMetrics(MeterRegistry registry) {
        return new TapMetrics(registry);
    }

    @Bean
    @ConditionalOnMissingBean
    TapDirectory tapDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, ListenerDirectory participants) {
        return new TapDirectory(redis, json, participants);
    }

    @Bean
    @ConditionalOnMissingBean
    TapSink.Factory tapSinks(SpeakerPipelineFactory pipelines) {
        return speaker -> TapSink.of(pipelines.create(speaker));
    }

    @Bean
    @ConditionalOnMissingBean
    SpeechTap speechTap(TapProperties props, TapDirectory directory, TapSink.Factory sinks,
                        AudioStreamRegistry registry, PipelineMetrics pipelineMetrics, TapMetrics metrics,
                        Scheduler audioWorkers) {
        return new SpeechTap(props, directory, sinks, registry, pipelineMetrics, metrics, audioWorkers);
    }
}

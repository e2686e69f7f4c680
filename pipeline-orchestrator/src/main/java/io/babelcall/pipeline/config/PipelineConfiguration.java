package io.babelcall.pipeline.config;

import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.audio.AudioChannelGuard;
import io.babelcall.pipeline.audio.AudioProperties;
import io.babelcall.pipeline.audio.AudioShutdown;
import io.babelcall.pipeline.audio.AudioStreamRegistry;
import io.babelcall.pipeline.audio.AudioWebSocketHandler;
import io.babelcall.pipeline.audio.MembershipWatch;
import io.babelcall.pipeline.audio.SpeakerRateLimiter;
import io.babelcall.pipeline.audio.VadProperties;
import io.babelcall.pipeline.dub.DubAudioStore;
import io.babelcall.pipeline.dub.DubProperties;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.security.AudioHandshakeFilter;
import io.babelcall.pipeline.security.CorsProperties;
import io.babelcall.pipeline.security.RoomAccess;
import io.babelcall.pipeline.security.RoomMembership;
import io.babelcall.pipeline.speech.CaptionPublisher;
import io.babelcall.pipeline.speech.DeadlineScheduler;
import io.babelcall.pipeline.speech.ListenerDirectory;
import io.babelcall.pipeline.speech.PipelineDrain;
import io.babelcall.pipeline.speech.PipelineMetrics;
import io.babelcall.pipeline.speech.PipelineProperties;
import io.babelcall.pipeline.speech.PipelineServices;
import io.babelcall.pipeline.speech.SpeakerPipelineFactory;
import io.babelcall.pipeline.text.TextNormalizer;
import io.babelcall.pipeline.transcript.TranscriptProperties;
import io.babelcall.pipeline.transcript.TranscriptStore;
import io.babelcall.pipeline.transcript.TranscriptWriter;
import io.babelcall.support.redis.RoomPublisher;
import io.babelcall.support.redis.StartupRetry;
import io.babelcall.support.web.SecurityHeadersWebFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.CorsRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.ObjectMapper;

/**
 * The orchestrator's own collaborators (everything but the engines, which come from the {@link EngineRouter} bean).
 * Each is {@code @ConditionalOnMissingBean}, so a deployment or a test can swap one.
 */
@Configuration(proxyBeanMethods = false)
public class PipelineConfiguration implements WebFluxConfigurer {

    /** How long the start waits for Redis's pub/sub connection before failing (documented in docs/pipeline.md). */
    private static final Duration REDIS_STARTUP_PATIENCE = Duration.ofSeconds(30);

    private final CorsProperties cors;
    private final AudioProperties audio;

    public PipelineConfiguration(CorsProperties cors, AudioProperties audio) {
        this.cors = cors;
        this.audio = audio;
    }

    // Clock and ParticipantTokens come from service-support's ParticipantTokensAutoConfiguration.

    @Bean
    @ConditionalOnMissingBean
    RoomMembership roomMembership(ReactiveStringRedisTemplate redis) {
        return new RoomMembership(redis);
    }

    @Bean
    @ConditionalOnMissingBean
    RoomAccess roomAccess(ParticipantTokens tokens, RoomMembership membership) {
        return new RoomAccess(tokens, membership);
    }

    /** nosniff and the api's other security headers; a policy that allows nothing, as no page is served here. */
    @Bean
    @ConditionalOnMissingBean
    SecurityHeadersWebFilter securityHeadersWebFilter() {
        return new SecurityHeadersWebFilter(SecurityHeadersWebFilter.NOTHING_ALLOWED,
                SecurityHeadersWebFilter.NO_FEATURES);
    }

    @Bean
    @ConditionalOnMissingBean
    ListenerDirectory listenerDirectory(ReactiveStringRedisTemplate redis, ObjectMapper json, PipelineProperties props) {
        return new ListenerDirectory(redis, json, props.listenerCacheTtl());
    }

    @Bean
    RoomPublisher roomPublisher(ReactiveRedisConnectionFactory factory, ReactiveStringRedisTemplate redis) {
        return new RoomPublisher(factory, redis);
    }

    @Bean
    @ConditionalOnMissingBean
    CaptionPublisher captionPublisher(RoomPublisher redis, ObjectMapper json) {
        return new CaptionPublisher(redis, json);
    }

    @Bean
    @ConditionalOnMissingBean
    TranscriptStore transcriptStore(ReactiveStringRedisTemplate redis, ObjectMapper json, TranscriptProperties props) {
        return new TranscriptStore(redis, json, props);
    }

    /** Stops right after PipelineDrain: the last finals get written, or a last try, before Redis closes. */
    @Bean
    @ConditionalOnMissingBean
    TranscriptWriter transcriptWriter(TranscriptStore store, TranscriptProperties props, MeterRegistry registry) {
        return new TranscriptWriter(store, props, registry);
    }

    @Bean
    @ConditionalOnMissingBean
    DubAudioStore dubAudioStore(ReactiveRedisConnectionFactory factory, DubProperties props) {
        RedisSerializationContext<String, byte[]> context = RedisSerializationContext
                .<String, byte[]>newSerializationContext(RedisSerializer.string())
                .value(RedisSerializer.byteArray())
                .build();
        return new DubAudioStore(new ReactiveRedisTemplate<>(factory, context), props.ttl());
    }

    @Bean
    @ConditionalOnMissingBean
    TextNormalizer textNormalizer() {
        return new TextNormalizer();
    }

    /** Ticks every 10 ms; the pipeline's deadlines are seconds long. */
    @Bean(destroyMethod = "dispose")
    @ConditionalOnMissingBean
    DeadlineScheduler pipelineDeadlines() {
        return new DeadlineScheduler(10);
    }

    @Bean
    @ConditionalOnMissingBean
    SpeakerPipelineFactory speakerPipelineFactory(EngineRouter engines, CaptionPublisher publisher,
                                                  ListenerDirectory directory, TextNormalizer normalizer,
                                                  TranscriptWriter transcripts, DubAudioStore dubs,
                                                  PipelineMetrics metrics, PipelineProperties pipeline,
                                                  VadProperties vad, Clock clock, DeadlineScheduler deadlines,
                                                  SpeakerRateLimiter speakerRateLimiter) {
        return new SpeakerPipelineFactory(new PipelineServices(engines, publisher, directory, normalizer, transcripts,
                dubs, metrics, pipeline, vad, clock, deadlines), speakerRateLimiter);
    }

    /** Per speaker on this replica, shared by the speaker's successive streams. */
    @Bean
    @ConditionalOnMissingBean
    SpeakerRateLimiter speakerRateLimiter() {
        return new SpeakerRateLimiter(audio.maxRealtimeFactor(), audio.rateBurst().toNanos());
    }

    @Bean
    @ConditionalOnMissingBean
    ReactiveRedisMessageListenerContainer audioClaimsListenerContainer(ReactiveRedisConnectionFactory factory) {
        // Its constructor opens the pub/sub connection: a Redis still starting beside this replica, or a handshake
        // slower than the command time-out on a busy host, would otherwise fail the whole start.
        return StartupRetry.connect("Redis pub/sub connection", REDIS_STARTUP_PATIENCE,
                () -> new ReactiveRedisMessageListenerContainer(factory));
    }

    @Bean
    @ConditionalOnMissingBean
    AudioStreamRegistry audioStreamRegistry(ReactiveStringRedisTemplate redis,
                                            ReactiveRedisMessageListenerContainer container) {
        return new AudioStreamRegistry(redis, container);
    }

    @Bean
    @ConditionalOnMissingBean
    MembershipWatch audioMembershipWatch(AudioStreamRegistry registry, RoomMembership membership) {
        return new MembershipWatch(registry, membership, audio.membershipCheckInterval());
    }

    /** Shutdown, first step: readiness refuses traffic, audio streams are closed with 1012. */
    @Bean
    @ConditionalOnMissingBean
    AudioShutdown audioShutdown(AudioStreamRegistry registry, ApplicationEventPublisher events,
                                ApplicationAvailability availability) {
        return new AudioShutdown(registry, events, availability);
    }

    /** Shutdown, later step: the utterances under way finish while Redis is still open. */
    @Bean
    @ConditionalOnMissingBean
    PipelineDrain pipelineDrain(SpeakerPipelineFactory pipelines, PipelineProperties props) {
        return new PipelineDrain(pipelines, props.shutdownDrain());
    }

    /** Audio frames are handled on workers that may block briefly in an engine call, never on the event loop. */
    @Bean(destroyMethod = "dispose")
    Scheduler audioWorkers() {
        return Schedulers.newBoundedElastic(Math.max(4, Runtime.getRuntime().availableProcessors() * 4),
                10_000, "audio");
    }

    @Bean
    @ConditionalOnMissingBean
    AudioWebSocketHandler audioWebSocketHandler(ObjectMapper json, SpeakerPipelineFactory pipelines,
                                                AudioStreamRegistry registry, PipelineMetrics metrics,
                                                Scheduler audioWorkers) {
        return new AudioWebSocketHandler(audio, json, pipelines, registry, metrics, audioWorkers);
    }

    @Bean
    @ConditionalOnMissingBean
    AudioHandshakeFilter audioHandshakeFilter(RoomAccess access, ListenerDirectory directory, ObjectMapper json) {
        return new AudioHandshakeFilter(access, directory, cors, json, audio.handshakeCheckTimeout());
    }

    @Bean
    HandlerMapping audioWebSocketMapping(AudioWebSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(AudioHandshakeFilter.PATH, handler), -1);
    }

    /**
     * Netty's frame limit is ours ({@code max-frame-bytes}): an oversized frame is refused from its header, never
     * buffered, and {@link AudioChannelGuard} (installed once the handshake is done) turns the refusal into the
     * {@code too_big} error frame and 1009, and lets the connection close cleanly. The authenticated speaker that
     * {@link AudioHandshakeFilter} put in the exchange attributes is copied into the session's handshake info (the stock
     * predicate would copy from a WebSession, which this stateless service does not create).
     */
    @Override
    public WebSocketService getWebSocketService() {
        var netty = new ReactorNettyRequestUpgradeStrategy(() -> WebsocketServerSpec.builder()
                .maxFramePayloadLength(audio.maxFrameBytes()));
        RequestUpgradeStrategy strategy = (exchange, handler, subProtocol, info) -> {
            Channel channel = AudioChannelGuard.channel(exchange);
            WebSocketHandler guarded = session -> {
                if (channel != null) {
                    AudioChannelGuard.install(channel, audio.maxFrameBytes());
                }
                return handler.handle(session);
            };
            return netty.upgrade(exchange, guarded, subProtocol, () -> {
                HandshakeInfo i = info.get();
                Map<String, Object> attributes = new HashMap<>(i.getAttributes());
                Object speaker = exchange.getAttribute(AudioHandshakeFilter.SPEAKER_ATTRIBUTE);
                if (speaker != null) {
                    attributes.put(AudioHandshakeFilter.SPEAKER_ATTRIBUTE, speaker);
                }
                return new HandshakeInfo(i.getUri(), i.getHeaders(), i.getCookies(), i.getPrincipal(),
                        i.getSubProtocol(), i.getRemoteAddress(), attributes, i.getLogPrefix());
            });
        };
        return new HandshakeWebSocketService(strategy);
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/api/**")
                .allowedOrigins(cors.allowedOrigins().toArray(String[]::new))
                .allowedMethods("GET", "HEAD", "OPTIONS")
                .allowedHeaders("Authorization", "Content-Type")
                .maxAge(3600);
    }
}

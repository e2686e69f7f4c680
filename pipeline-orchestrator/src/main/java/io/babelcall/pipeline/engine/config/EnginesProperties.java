package io.babelcall.pipeline.engine.config;

import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.resilience.ResilienceSettings;
import io.babelcall.pipeline.engine.spi.EngineRole;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code babelcall.engines.*}: named engine instances, per-role routes by language, time limits and the Redis cache.
 * Everything here is checked once more at start-up by {@link EngineRegistry}, which lists every problem it finds
 * (unknown type, route to an unknown instance, language an instance cannot serve, missing binary ...).
 *
 * @param instances engine instances by name; the name appears in metrics, health and cache keys
 * @param routes    which instance serves which language (STT, TTS) or language pair (MT)
 * @param timeouts  default time limit per role (an instance's own time limit overrides it)
 * @param cache     Redis cache of translations and syntheses
 * @param resilience resilience4j defaults per role (an instance's {@code resilience} block overrides single keys)
 * @param http      the HTTP/WebSocket client shared by the remote adapters
 */
@ConfigurationProperties("babelcall.engines")
@Validated
public record EnginesProperties(
        @DefaultValue Map<String, @Valid Instance> instances,
        @DefaultValue @Valid Routes routes,
        @DefaultValue @Valid Timeouts timeouts,
        @DefaultValue @Valid Cache cache,
        @DefaultValue @Valid Resilience resilience,
        @DefaultValue @Valid Http http) {

    /**
     * One engine instance.
     *
     * @param type     adapter type, e.g. {@code pocketsphinx}, {@code apertium}, {@code apertium-apy}, {@code espeak-ng}
     * @param enabled  false to keep the definition but not create it (routes to it are then errors)
     * @param required whether the instance being DOWN makes the {@code engines} health (and so readiness) DOWN
     * @param timeout  time limit of one call of this instance; the role's default when absent
     * @param options  type-specific settings (see docs/engines.md); unknown keys are errors
     * @param resilience overrides of {@code babelcall.engines.resilience.<role>} for this instance (same keys)
     */
    public record Instance(
            String type,
            @DefaultValue("true") boolean enabled,
            @DefaultValue("false") boolean required,
            Duration timeout,
            @DefaultValue Map<String, String> options,
            @DefaultValue Map<String, String> resilience) {
    }

    /** Routes per role; the most specific entry wins, whatever the order. */
    public record Routes(
            @DefaultValue List<@Valid LanguageRoute> stt,
            @DefaultValue List<@Valid PairRoute> mt,
            @DefaultValue List<@Valid LanguageRoute> tts) {
    }

    /**
     * A route: these languages go to this engine instance.
     *
     * @param languages language tags ({@code en}, {@code pt-BR}) or {@code "*"} for every language the engine serves
     * @param engine    instance name
     */
    public record LanguageRoute(@DefaultValue List<String> languages, String engine) {
    }

    /**
     * A route: these translation pairs go to this engine instance.
     *
     * @param pairs  {@code en->es}, {@code en<->vi} (both directions), {@code *->es}, {@code en->*} or {@code "*"}
     * @param engine instance name
     */
    public record PairRoute(@DefaultValue List<String> pairs, String engine) {
    }

    /** Default time limits per role. STT: end of utterance -> final result. */
    public record Timeouts(
            @DefaultValue("6s") @NotNull Duration stt,
            @DefaultValue("2s") @NotNull Duration mt,
            @DefaultValue("5s") @NotNull Duration tts) {

        public Duration of(EngineRole role) {
            return switch (role) {
                case STT -> stt;
                case MT -> mt;
                case TTS -> tts;
            };
        }
    }

    /**
     * The Redis cache of translations and syntheses.
     *
     * @param enabled      whether MT and TTS results are cached in Redis
     * @param mtTtl        lifetime of a cached translation ({@code mt:{hash}})
     * @param ttsTtl       lifetime of a cached synthesis ({@code tts:{hash}}, binary WAV)
     * @param redisTimeout a cache read or write slower than this counts as a miss (the engine is called instead)
     */
    public record Cache(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("7d") @NotNull Duration mtTtl,
            @DefaultValue("1d") @NotNull Duration ttsTtl,
            @DefaultValue("200ms") @NotNull Duration redisTimeout) {
    }

    /**
     * resilience4j settings per role, as {@code key: value} maps read like instance options (unknown keys are errors;
     * keys and defaults in {@link ResilienceSettings}).
     */
    public record Resilience(
            @DefaultValue Map<String, String> stt,
            @DefaultValue Map<String, String> mt,
            @DefaultValue Map<String, String> tts) {

        public Map<String, String> of(EngineRole role) {
            return switch (role) {
                case STT -> stt;
                case MT -> mt;
                case TTS -> tts;
            };
        }
    }

    /**
     * The reactor-netty connection pool shared by every remote adapter (HTTP and WebSocket). Connections are pooled
     * per remote host; per-instance connect/response timeouts are adapter options.
     *
     * @param maxConnections         most connections per remote host
     * @param pendingAcquireTimeout  a call waiting longer than this for a free connection fails
     * @param maxIdleTime            idle connections are closed after this
     */
    public record Http(
            @DefaultValue("64") int maxConnections,
            @DefaultValue("2s") @NotNull Duration pendingAcquireTimeout,
            @DefaultValue("30s") @NotNull Duration maxIdleTime) {
    }
}

package io.babelcall.pipeline.engine.registry;

import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import reactor.core.publisher.Mono;

/**
 * Redis cache of engine results (binary values). A Redis that fails or is slow is a miss, never an error: the engine
 * is called instead and captions keep flowing. Keys come from {@code RedisKeys.translationCache/synthesisCache} with
 * {@link #hash}.
 */
public class EngineCache {

    private static final Logger log = LoggerFactory.getLogger(EngineCache.class);
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final ReactiveRedisTemplate<String, byte[]> redis;
    private final EnginesProperties.Cache settings;
    private final EngineMetrics metrics;

    public EngineCache(ReactiveRedisConnectionFactory connections, EnginesProperties.Cache settings,
                       EngineMetrics metrics) {
        // A private template, not a bean: binary values must not be shared with other string templates.
        RedisSerializationContext<String, byte[]> context = RedisSerializationContext
                .<String, byte[]>newSerializationContext(RedisSerializer.byteArray())
                .key(RedisSerializer.string()).hashKey(RedisSerializer.string())
                .value(RedisSerializer.byteArray()).hashValue(RedisSerializer.byteArray())
                .build();
        this.redis = new ReactiveRedisTemplate<>(connections, context);
        this.settings = settings;
        this.metrics = metrics;
    }

    public EnginesProperties.Cache settings() {
        return settings;
    }

    /** The cached value, or empty on a miss (also when Redis fails); counts a hit or a miss in {@code cache}. */
    public Mono<byte[]> get(String cache, String key) {
        return redis.opsForValue().get(key)
                .timeout(settings.redisTimeout())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(e -> {
                    log.warn("cache read of {} failed, calling the engine: {}", key, e.toString());
                    return Mono.just(Optional.empty());
                })
                .doOnNext(v -> metrics.cacheLookup(cache, v.isPresent()))
                .flatMap(Mono::justOrEmpty);
    }

    /** Stores a value with a TTL; completes (never errors) when stored or given up. */
    public Mono<Void> put(String key, byte[] value, Duration ttl) {
        return redis.opsForValue().set(key, value, ttl)
                .timeout(settings.redisTimeout())
                .onErrorResume(e -> {
                    log.warn("cache write of {} failed: {}", key, e.toString());
                    return Mono.just(false);
                })
                .then();
    }

    /**
     * The cached value of {@code key}, else {@code compute}'s result, stored for {@code ttl}. An entry that
     * {@code decode} cannot read (empty) is computed again.
     */
    public <T> Mono<T> cached(String cache, String key, Duration ttl, Function<byte[], Optional<T>> decode,
                              Function<T, byte[]> encode, Supplier<Mono<T>> compute) {
        return get(cache, key)
                .flatMap(bytes -> Mono.justOrEmpty(decode.apply(bytes)))
                .switchIfEmpty(Mono.defer(() -> compute.get()
                        .flatMap(value -> put(key, encode.apply(value), ttl).thenReturn(value))));
    }

    /** Unicode NFC, trimmed, runs of white space as one space: two spellings of one text share a cache entry. */
    public static String normalize(String text) {
        return SPACES.matcher(Normalizer.normalize(text, Normalizer.Form.NFC)).replaceAll(" ").trim();
    }

    /** Hex SHA-256 of the parts, separated by NUL so no two part lists collide. */
    public static String hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                sha.update((p == null ? "" : p).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

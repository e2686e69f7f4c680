package io.babelcall.api.web;

import io.babelcall.common.room.RedisKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Token bucket per (operation, client) kept in Redis, so the limit holds across api replicas. One Lua script reads,
 * refills and takes a token atomically, using the Redis clock so replicas with skewed clocks agree.
 */
public class RateLimiter {

    /** Returns {allowed (1/0), milliseconds until a token is available}. */
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local rate = tonumber(ARGV[1]) / 1000
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(state[1]) or burst
            local ts = tonumber(state[2]) or now
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) / rate)
            end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate) + 1000)
            return {allowed, wait}
            """, List.class);

    private final ReactiveStringRedisTemplate redis;
    private final MeterRegistry meters;
    private final Map<String, Counter> limited = new ConcurrentHashMap<>();

    public RateLimiter(ReactiveStringRedisTemplate redis, MeterRegistry meters) {
        this.redis = redis;
        this.meters = meters;
    }

    /** Registers the 429 counter of an operation up front, so it is exported (at 0) before the first refusal. */
    public void register(String operation) {
        counter(operation);
    }

    /**
     * Takes one token from the bucket of {@code key} (a client address, or a room id for {@link
     * RateLimitedException.Scope#ROOM}) for {@code operation}, or fails with {@link RateLimitedException}.
     *
     * @param perMinute refill rate
     * @param burst     bucket capacity
     */
    public Mono<Void> take(String operation, RateLimitedException.Scope scope, String key, double perMinute,
                           int burst) {
        String perSecond = Double.toString(perMinute / 60.0);
        return RedisScripts.results(redis.execute(TAKE, List.of(RedisKeys.rateLimit(operation, key)),
                        List.of(perSecond, Integer.toString(burst))))
                .flatMap(result -> {
                    if (number(result.get(0)) == 1) {
                        return Mono.<Void>empty();
                    }
                    counter(operation).increment();
                    return Mono.error(new RateLimitedException(Duration.ofMillis(number(result.get(1))), scope));
                });
    }

    private Counter counter(String operation) {
        return limited.computeIfAbsent(operation, op -> Counter.builder("babelcall.rate.limited")
                .description("Requests refused with 429")
                .tag("endpoint", op)
                .register(meters));
    }

    private static long number(Object value) {
        return RedisScripts.number(value);
    }
}

package io.babelcall.pipeline.engine.resilience;

import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import java.time.Duration;

/**
 * resilience4j settings of one engine instance: built-in defaults per role, overridden by
 * {@code babelcall.engines.resilience.<role>.*}, overridden by {@code instances.<name>.resilience.*}. The time limit is
 * the instance's {@code timeout}.
 *
 * @param enabled                 false = no breaker, bulkhead or retry (the time limit stays)
 * @param failureRateThreshold    percentage of failed calls in the window that opens the breaker
 * @param slidingWindowSize       calls in the (count-based) window
 * @param minimumNumberOfCalls    calls needed before the failure rate is evaluated
 * @param waitInOpen              how long an open breaker short-circuits before letting trial calls through
 * @param permittedCallsInHalfOpen trial calls in the half-open state
 * @param maxConcurrentCalls      bulkhead: calls in flight at once (STT: utterances being recognised)
 * @param maxWait                 bulkhead: how long a call waits for a free slot (0 = rejected at once)
 * @param maxAttempts             retry: attempts including the first (MT/TTS only; STT must be 1)
 * @param retryWait               retry: wait before the first retry, multiplied by {@code retryMultiplier} each time
 * @param retryMultiplier         retry: exponential backoff factor
 * @param retryOnTimeout          retry: whether a timed-out call is retried (off by default: it doubles the latency)
 */
public record ResilienceSettings(
        boolean enabled,
        float failureRateThreshold,
        int slidingWindowSize,
        int minimumNumberOfCalls,
        Duration waitInOpen,
        int permittedCallsInHalfOpen,
        int maxConcurrentCalls,
        Duration maxWait,
        int maxAttempts,
        Duration retryWait,
        double retryMultiplier,
        boolean retryOnTimeout) {

    /** Built-in defaults: remote model servers are slow to recover, so the breaker waits 10 s before trying again. */
    public static ResilienceSettings defaults(EngineRole role) {
        return switch (role) {
            case STT -> new ResilienceSettings(true, 50, 10, 5, Duration.ofSeconds(10), 2, 32, Duration.ZERO, 1,
                    Duration.ofMillis(100), 2.0, false);
            case MT -> new ResilienceSettings(true, 50, 20, 10, Duration.ofSeconds(10), 3, 32, Duration.ZERO, 2,
                    Duration.ofMillis(100), 2.0, false);
            case TTS -> new ResilienceSettings(true, 50, 20, 10, Duration.ofSeconds(10), 3, 8, Duration.ofMillis(200), 2,
                    Duration.ofMillis(200), 2.0, false);
        };
    }

    /** Reads the keys in {@code o} over {@code base}; problems go to {@code o}'s error list. */
    public static ResilienceSettings parse(EngineOptions o, ResilienceSettings base, EngineRole role) {
        ResilienceSettings s = new ResilienceSettings(
                o.bool("enabled", base.enabled),
                (float) o.number("failure-rate-threshold", base.failureRateThreshold, 1, 100),
                o.integer("sliding-window-size", base.slidingWindowSize, 1, 10_000),
                o.integer("minimum-number-of-calls", base.minimumNumberOfCalls, 1, 10_000),
                o.duration("wait-duration-in-open-state", base.waitInOpen),
                o.integer("permitted-calls-in-half-open-state", base.permittedCallsInHalfOpen, 1, 1000),
                o.integer("max-concurrent-calls", base.maxConcurrentCalls, 1, 100_000),
                o.duration("max-wait-duration", base.maxWait, true),
                o.integer("max-attempts", base.maxAttempts, 1, 10),
                o.duration("retry-wait-duration", base.retryWait),
                o.number("retry-multiplier", base.retryMultiplier, 1, 10),
                o.bool("retry-on-timeout", base.retryOnTimeout));
        if (role == EngineRole.STT && s.maxAttempts != 1) {
            o.invalid("max-attempts", "must be 1 for speech-to-text: a recognition session is not "
                    + "idempotent (audio is streamed once), so it is never retried");
            return new ResilienceSettings(s.enabled, s.failureRateThreshold, s.slidingWindowSize, s.minimumNumberOfCalls,
                    s.waitInOpen, s.permittedCallsInHalfOpen, s.maxConcurrentCalls, s.maxWait, 1, s.retryWait,
                    s.retryMultiplier, s.retryOnTimeout);
        }
        return s;
    }
}

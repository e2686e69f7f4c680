package io.babelcall.pipeline.engine.resilience;

import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetricsPublisher;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * resilience4j per engine instance: a time limiter (the instance's {@code timeout}), a circuit breaker, a bulkhead
 * (max concurrent calls) and, for idempotent MT/TTS calls only, a retry with exponential backoff on transient failures.
 * Registries are our own (the resilience4j BOM has no Spring Boot 4 starter); with a {@link MeterRegistry} they export
 * the standard {@code resilience4j_circuitbreaker_*}, {@code resilience4j_bulkhead_*}, {@code resilience4j_retry_*} and
 * {@code resilience4j_timelimiter_*} meters, tagged {@code name=<instance>}.
 *
 * <p>Order around one call: retry( circuit breaker( bulkhead( time limiter( engine ) ) ) ). A short-circuited call
 * (breaker open) or a full bulkhead fails at once with {@link EngineRejectedException}. Overload is not a failure of
 * the engine, so the breaker ignores a full bulkhead and every {@link EngineRejectedException} (an engine at capacity,
 * HTTP 429, one stream's backlog or its wait for a free decoder), as it ignores {@link IllegalArgumentException} (a
 * request the engine cannot serve): one overloaded room or speaker never opens the breaker that protects everyone.
 */
public class EngineResilience {

    private final CircuitBreakerRegistry breakers;
    private final BulkheadRegistry bulkheads;
    private final RetryRegistry retries;
    private final TimeLimiterRegistry limiters;

    /** @param meters where to export the resilience4j meters; null for none */
    public EngineResilience(MeterRegistry meters) {
        CircuitBreakerRegistry.Builder cb = CircuitBreakerRegistry.custom();
        BulkheadRegistry.Builder bh = BulkheadRegistry.custom();
        RetryRegistry.Builder rt = RetryRegistry.custom();
        TimeLimiterRegistry.Builder tl = TimeLimiterRegistry.custom();
        if (meters != null) {
            cb.addRegistryEventConsumer(new TaggedCircuitBreakerMetricsPublisher(meters));
            bh.addRegistryEventConsumer(new TaggedBulkheadMetricsPublisher(meters));
            rt.addRegistryEventConsumer(new TaggedRetryMetricsPublisher(meters));
            tl.addRegistryEventConsumer(new TaggedTimeLimiterMetricsPublisher(meters));
        }
        this.breakers = cb.build();
        this.bulkheads = bh.build();
        this.retries = rt.build();
        this.limiters = tl.build();
    }

    /** The guards of one instance (created once; the same name returns the same guards). */
    public Guard guard(String name, EngineRole role, Duration timeout, ResilienceSettings s) {
        TimeLimiter limiter = limiters.timeLimiter(name, TimeLimiterConfig.custom()
                .timeoutDuration(timeout).cancelRunningFuture(true).build());
        if (!s.enabled()) {
            return new Guard(name, role, limiter, null, null, null);
        }
        CircuitBreaker breaker = breakers.circuitBreaker(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(s.slidingWindowSize())
                .minimumNumberOfCalls(Math.min(s.minimumNumberOfCalls(), s.slidingWindowSize()))
                .failureRateThreshold(s.failureRateThreshold())
                .waitDurationInOpenState(s.waitInOpen())
                .permittedNumberOfCallsInHalfOpenState(s.permittedCallsInHalfOpen())
                // health shows HALF_OPEN when the wait is over, even when no call has come
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .ignoreExceptions(IllegalArgumentException.class, BulkheadFullException.class,
                        EngineRejectedException.class)
                .build());
        Bulkhead bulkhead = bulkheads.bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(s.maxConcurrentCalls())
                .maxWaitDuration(s.maxWait())
                .build());
        Retry retry = null;
        if (role != EngineRole.STT && s.maxAttempts() > 1) {
            boolean onTimeout = s.retryOnTimeout();
            retry = retries.retry(name, RetryConfig.custom()
                    .maxAttempts(s.maxAttempts())
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(s.retryWait(), s.retryMultiplier()))
                    .retryOnException(e -> e instanceof EngineTimeoutException ? onTimeout
                            : e instanceof EngineException ee && ee.isTransient())
                    .failAfterMaxAttempts(false)
                    .build());
        }
        return new Guard(name, role, limiter, breaker, bulkhead, retry);
    }

    /** The breaker of an instance, if it has one (health details). */
    public Optional<CircuitBreaker> breaker(String name) {
        return breakers.find(name);
    }

    /**
     * The resilience4j objects of one instance.
     *
     * @param breaker  null when resilience is disabled for the instance
     * @param bulkhead null when resilience is disabled
     * @param retry    null for STT, with {@code max-attempts: 1}, or when disabled
     */
    public record Guard(String name, EngineRole role, TimeLimiter timeLimiter, CircuitBreaker breaker, Bulkhead bulkhead,
                        Retry retry) {

        /** retry( breaker( bulkhead( call ) ) ), rejections as {@link EngineRejectedException}. */
        public <T> Mono<T> call(Supplier<Mono<T>> call) {
            Mono<T> m = Mono.defer(call);
            if (bulkhead != null) {
                m = m.transformDeferred(BulkheadOperator.of(bulkhead));
            }
            if (breaker != null) {
                m = m.transformDeferred(CircuitBreakerOperator.of(breaker));
            }
            if (retry != null) {
                m = m.transformDeferred(RetryOperator.of(retry));
            }
            return m.onErrorMap(e -> e instanceof CallNotPermittedException || e instanceof BulkheadFullException,
                    this::rejection);
        }

        /** The error a short-circuited or bulkhead-refused call gets. */
        public EngineRejectedException rejection(Throwable cause) {
            String why = cause instanceof BulkheadFullException
                    ? "at its limit of " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " concurrent calls"
                    : "circuit breaker open (recent calls failed); retrying after "
                    + breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1) + " ms";
            return new EngineRejectedException(role.tag() + " engine '" + name + "' " + why, cause);
        }
    }
}

package io.babelcall.pipeline.engine.resilience;

import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * How one MT or TTS instance is called: resilience ({@link EngineResilience.Guard}, if enabled) around the time limit
 * and metrics. Each retry is timed and recorded as a call of its own.
 */
public final class EngineCall {

    private final EngineRole role;
    private final String engine;
    private final TimeLimiter limiter;
    private final Duration timeout;
    private final EngineMetrics metrics;
    private final EngineResilience.Guard guard;

    /**
     * @param limiter the instance's resilience4j time limiter (its timeout is the instance's time limit)
     * @param guard   null for no circuit breaker, bulkhead or retry
     */
    public EngineCall(EngineRole role, String engine, TimeLimiter limiter, EngineMetrics metrics,
               EngineResilience.Guard guard) {
        this.role = role;
        this.engine = engine;
        this.limiter = limiter;
        this.timeout = limiter.getTimeLimiterConfig().getTimeoutDuration();
        this.metrics = metrics;
        this.guard = guard;
    }

    /** Time limit and metrics only (no resilience). */
    public static EngineCall timed(EngineRole role, String engine, Duration timeout, EngineMetrics metrics) {
        TimeLimiter limiter = TimeLimiter.of(engine, TimeLimiterConfig.custom().timeoutDuration(timeout).build());
        return new EngineCall(role, engine, limiter, metrics, null);
    }

    /** Runs {@code call} (anew at each subscription); an empty result is an {@link EngineException}. */
    public <T> Mono<T> run(Supplier<Mono<T>> call) {
        Mono<T> timed = Mono.defer(() -> {
            long start = System.nanoTime();
            return Mono.defer(call)
                    .switchIfEmpty(Mono.error(() -> new EngineException(kind() + " '" + engine + "' returned nothing")))
                    .transformDeferred(TimeLimiterOperator.of(limiter))
                    .onErrorMap(TimeoutException.class, e -> new EngineTimeoutException(role, engine, timeout))
                    .doOnSuccess(r -> metrics.record(role, engine, start, null))
                    .doOnError(e -> metrics.record(role, engine, start, e));
        });
        return guard == null ? timed : guard.call(() -> timed);
    }

    private String kind() {
        return switch (role) {
            case STT -> "recognizer";
            case MT -> "translator";
            case TTS -> "synthesizer";
        };
    }
}

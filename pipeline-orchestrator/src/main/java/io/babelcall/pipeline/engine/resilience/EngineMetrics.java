package io.babelcall.pipeline.engine.resilience;

import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine and cache meters of docs/metrics.md: {@code babelcall.engine.call{role,engine,outcome}} (timer with
 * percentile histogram), {@code babelcall.engine.errors{role,engine}}, {@code babelcall.cache.requests{cache,result}}.
 */
public class EngineMetrics {

    public static final String CALL = "babelcall.engine.call";
    public static final String ERRORS = "babelcall.engine.errors";
    public static final String CACHE = "babelcall.cache.requests";

    private final MeterRegistry registry;

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Creates the engine's error counter at zero, so dashboards and alert rules see it before its first failure. */
    public void registerEngine(EngineRole role, String engine) {
        Counter.builder(ERRORS).description("failed engine calls")
                .tag("role", role.tag()).tag("engine", engine)
                .register(registry);
    }

    /** Records one call that started at {@code startNanos} ({@link System#nanoTime()}); {@code error} null = success. */
    public void record(EngineRole role, String engine, long startNanos, Throwable error) {
        String outcome = outcome(error);
        Timer.builder(CALL)
                .description("one engine call (STT: end of utterance -> final)")
                .tag("role", role.tag()).tag("engine", engine).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        if (error != null) {
            Counter.builder(ERRORS).description("failed engine calls")
                    .tag("role", role.tag()).tag("engine", engine)
                    .register(registry).increment();
        }
    }

    /** Counts one cache look-up; {@code cache} is {@code mt} or {@code tts}. */
    public void cacheLookup(String cache, boolean hit) {
        Counter.builder(CACHE).description("translation / synthesis cache look-ups")
                .tag("cache", cache).tag("result", hit ? "hit" : "miss")
                .register(registry).increment();
    }

    /** {@code success}, {@code timeout}, {@code rejected} or {@code error}. */
    public static String outcome(Throwable error) {
        if (error == null) {
            return "success";
        }
        if (error instanceof EngineTimeoutException || error instanceof TimeoutException) {
            return "timeout";
        }
        if (error instanceof EngineRejectedException || error instanceof RejectedExecutionException) {
            return "rejected";
        }
        return "error";
    }
}

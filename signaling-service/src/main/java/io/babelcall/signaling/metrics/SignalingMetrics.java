package io.babelcall.signaling.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The {@code babelcall.signaling.*} meters of {@code docs/metrics.md}. Counters are cached per tag value so the hot
 * path does one map lookup, not a registry lookup.
 */
public class SignalingMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> in = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> out = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> closed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    private final Timer relayLatency;

    public SignalingMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.relayLatency = Timer.builder("babelcall.signaling.relay.latency")
                .description("relay publish (or receive) -> handed to the recipient's socket")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        // Known causes start at zero, so dashboards and alert rules see the series before the first incident.
        for (String cause : CLOSE_CAUSES) {
            counter(closed, "babelcall.signaling.closed", "cause", cause);
        }
        for (String cause : DROP_CAUSES) {
            counter(dropped, "babelcall.signaling.dropped", "cause", cause);
        }
    }

    /** The {@code cause} tags of {@code babelcall.signaling.closed} (docs/metrics.md). */
    public static final java.util.List<String> CLOSE_CAUSES = java.util.List.of(
            "rate_limit", "too_big", "slow_consumer", "heartbeat", "shutdown", "invalid_token", "removed",
            "replica_full");
    /** The {@code cause} tags of {@code babelcall.signaling.dropped}. */
    public static final java.util.List<String> DROP_CAUSES = java.util.List.of(
            "slow_consumer", "unknown_peer", "rate_limit", "invalid_event");

    /** Registers the sessions gauge over the live count. */
    public void bindSessions(Supplier<Number> sessions) {
        Gauge.builder("babelcall.signaling.sessions", sessions).description("open signaling WebSockets on this replica")
                .strongReference(true).register(registry);
    }

    /** Registers the gauge of characters written to this replica's sockets and not yet on the wire. */
    public void bindOutboundQueue(LongSupplier queuedChars) {
        Gauge.builder("babelcall.signaling.outbound.queued", queuedChars, LongSupplier::getAsLong)
                .baseUnit("chars").description("characters written to this replica's sockets, not yet on the wire")
                .register(registry);
    }

    /**
     * Registers {@code babelcall.signaling.dispatched{work}} over the frame workers' counts and their pool's metrics
     * ({@code executor_*{name="signaling.frames"}}).
     */
    public void bindDispatch(LongSupplier frames, LongSupplier handshakes, ExecutorService frameWorkers) {
        FunctionCounter.builder("babelcall.signaling.dispatched", frames, LongSupplier::getAsLong)
                .tag("work", "frames").description("work handed to the frame workers").register(registry);
        FunctionCounter.builder("babelcall.signaling.dispatched", handshakes, LongSupplier::getAsLong)
                .tag("work", "handshakes").description("work handed to the frame workers").register(registry);
        new ExecutorServiceMetrics(frameWorkers, "signaling.frames", List.of()).bindTo(registry);
    }

    public void messageIn(String type) {
        counter(in, "babelcall.signaling.messages.in", "type", type).increment();
    }

    public void messageOut(String type, int n) {
        counter(out, "babelcall.signaling.messages.out", "type", type).increment(n);
    }

    public void closed(String cause) {
        counter(closed, "babelcall.signaling.closed", "cause", cause).increment();
    }

    public void dropped(String cause) {
        counter(dropped, "babelcall.signaling.dropped", "cause", cause).increment();
    }

    public void relayLatencyNanos(long nanos) {
        relayLatency.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private Counter counter(ConcurrentHashMap<String, Counter> cache, String name, String tag, String value) {
        Counter c = cache.get(value);
        if (c == null) {
            c = cache.computeIfAbsent(value, v -> Counter.builder(name).tag(tag, v).register(registry));
        }
        return c;
    }
}

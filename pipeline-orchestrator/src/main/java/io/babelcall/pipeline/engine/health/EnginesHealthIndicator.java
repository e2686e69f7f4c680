package io.babelcall.pipeline.engine.health;

import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code engines} health contributor: one entry per instance (type, role, required, status, details, and its
 * circuit breaker's state). An instance whose breaker is OPEN is DOWN. The overall status is DOWN only when a
 * {@code required} instance is down, so an optional engine never fails readiness.
 */
public class EnginesHealthIndicator implements ReactiveHealthIndicator {

    /** One instance's probe result with its breaker state as read before the probe (null: no breaker). */
    private record Checked(EngineRegistry.Instance<?> instance, EngineHealth.Status status,
                           Map<String, Object> breaker) {
    }

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final EngineRegistry registry;
    private final EngineResilience resilience;

    public EnginesHealthIndicator(EngineRegistry registry) {
        this(registry, null);
    }

    /** @param resilience where the instances' circuit breakers are; null to show none */
    public EnginesHealthIndicator(EngineRegistry registry, EngineResilience resilience) {
        this.registry = registry;
        this.resilience = resilience;
    }

    @Override
    public Mono<Health> health() {
        return Flux.fromIterable(new TreeMap<>(registry.instances()).values())
                // the breaker is read before the probe, which may take up to its own time-out
                .flatMapSequential(i -> {
                    Map<String, Object> breaker = breaker(i.name());
                    return check(i).map(s -> new Checked(i, s, breaker));
                })
                .collectList()
                .map(list -> {
                    boolean requiredDown = false;
                    Map<String, Object> details = new LinkedHashMap<>();
                    for (Checked e : list) {
                        EngineRegistry.Instance<?> i = e.instance();
                        EngineHealth.Status status = e.status();
                        Map<String, Object> breaker = e.breaker();
                        boolean open = breaker != null && ("OPEN".equals(breaker.get("state"))
                                || "FORCED_OPEN".equals(breaker.get("state")));
                        boolean up = status.up() && !open;
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("status", up ? "UP" : "DOWN");
                        d.put("type", i.type());
                        d.put("role", i.role().tag());
                        d.put("required", i.required());
                        d.putAll(status.details());
                        if (breaker != null) {
                            d.put("circuitBreaker", breaker);
                        }
                        details.put(i.name(), d);
                        requiredDown |= i.required() && !up;
                    }
                    return (requiredDown ? Health.down() : Health.up()).withDetails(details).build();
                });
    }

    /** State and counts of the instance's circuit breaker; null when it has none. */
    private Map<String, Object> breaker(String name) {
        if (resilience == null) {
            return null;
        }
        return resilience.breaker(name).map(b -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("state", b.getState().name());
            d.put("failureRate", b.getMetrics().getFailureRate());
            d.put("bufferedCalls", b.getMetrics().getNumberOfBufferedCalls());
            d.put("failedCalls", b.getMetrics().getNumberOfFailedCalls());
            d.put("notPermittedCalls", b.getMetrics().getNumberOfNotPermittedCalls());
            return d;
        }).orElse(null);
    }

    private static Mono<EngineHealth.Status> check(EngineRegistry.Instance<?> instance) {
        if (!(instance.engine() instanceof EngineHealth h)) {
            return Mono.just(EngineHealth.Status.up(Map.of()));
        }
        return Mono.defer(h::health)
                .timeout(CHECK_TIMEOUT)
                .onErrorResume(e -> Mono.just(EngineHealth.Status.down(e.toString())))
                .defaultIfEmpty(EngineHealth.Status.down("no answer"));
    }
}

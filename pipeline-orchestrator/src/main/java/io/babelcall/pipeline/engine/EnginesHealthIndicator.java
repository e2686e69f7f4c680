package io.babelcall.pipeline.engine;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@code engines} health contributor: one entry per instance (type, role, required, status, details). The overall
 * status is DOWN only when a {@code required} instance is down, so an optional engine never fails readiness.
 */
public class EnginesHealthIndicator implements ReactiveHealthIndicator {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final EngineRegistry registry;

    public EnginesHealthIndicator(EngineRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Mono<Health> health() {
        return Flux.fromIterable(new TreeMap<>(registry.instances()).values())
                .flatMapSequential(i -> check(i).map(s -> Map.entry(i, s)))
                .collectList()
                .map(list -> {
                    boolean requiredDown = false;
                    Map<String, Object> details = new LinkedHashMap<>();
                    for (Map.Entry<EngineRegistry.Instance, EngineHealth.Status> e : list) {
                        EngineRegistry.Instance i = e.getKey();
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("status", e.getValue().up() ? "UP" : "DOWN");
                        d.put("type", i.type());
                        d.put("role", i.role().tag());
                        d.put("required", i.required());
                        d.putAll(e.getValue().details());
                        details.put(i.name(), d);
                        requiredDown |= i.required() && !e.getValue().up();
                    }
                    return (requiredDown ? Health.down() : Health.up()).withDetails(details).build();
                });
    }

    private static Mono<EngineHealth.Status> check(EngineRegistry.Instance instance) {
        if (!(instance.engine() instanceof EngineHealth h)) {
            return Mono.just(EngineHealth.Status.up(Map.of()));
        }
        return Mono.defer(h::health)
                .timeout(CHECK_TIMEOUT)
                .onErrorResume(e -> Mono.just(EngineHealth.Status.down(e.toString())))
                .defaultIfEmpty(EngineHealth.Status.down("no answer"));
    }
}

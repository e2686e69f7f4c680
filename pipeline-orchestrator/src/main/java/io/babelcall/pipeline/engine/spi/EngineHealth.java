package io.babelcall.pipeline.engine.spi;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Optional interface of an engine that can tell whether it works (process alive, server reachable). Engines without
 * it are shown UP in the {@code engines} health contributor once created.
 */
public interface EngineHealth {

    /** A cheap check; must not block the caller (do I/O inside the Mono). */
    Mono<Status> health();

    /**
     * An engine's health.
     *
     * @param up      whether the engine can serve calls
     * @param details shown in {@code /actuator/health}
     */
    record Status(boolean up, Map<String, Object> details) {

        public static Status up(Map<String, Object> details) {
            return new Status(true, details);
        }

        public static Status down(String reason) {
            return new Status(false, Map.of("error", reason));
        }
    }
}

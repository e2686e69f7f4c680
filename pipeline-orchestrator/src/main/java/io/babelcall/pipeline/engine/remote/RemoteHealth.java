package io.babelcall.pipeline.engine.remote;

import io.babelcall.pipeline.engine.spi.EngineHealth;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Health probe of a remote engine: {@code GET <path>} answered 2xx within 2 s. No path = not probed (shown UP). */
public final class RemoteHealth {

    private RemoteHealth() {
    }

    public static Mono<EngineHealth.Status> probe(WebClient http, RemoteEngines.Endpoint endpoint, String path) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", endpoint.display());
        if (path == null || path.isBlank() || path.equals("none")) {
            details.put("probe", "none");
            return Mono.just(EngineHealth.Status.up(details));
        }
        details.put("probe", "GET " + path);
        return http.get().uri(path)
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .then(Mono.fromSupplier(() -> EngineHealth.Status.up(details)))
                .timeout(Duration.ofSeconds(2))
                .onErrorResume(e -> {
                    Map<String, Object> down = new LinkedHashMap<>(details);
                    down.put("error", RemoteEngines.transportError(endpoint, e).getMessage());
                    return Mono.just(new EngineHealth.Status(false, down));
                });
    }
}

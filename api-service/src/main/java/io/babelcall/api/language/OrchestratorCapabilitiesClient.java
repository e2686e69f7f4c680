package io.babelcall.api.language;

import io.babelcall.common.engine.EngineCapabilities;
import java.time.Duration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** {@code GET {orchestrator-internal-url}/api/v1/engines/capabilities}, with a time limit. */
public class OrchestratorCapabilitiesClient implements CapabilitiesClient {

    public static final String PATH = "/api/v1/engines/capabilities";

    private final WebClient client;
    private final Duration timeout;

    public OrchestratorCapabilitiesClient(WebClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    public Mono<EngineCapabilities> fetch() {
        return client.get().uri(PATH).accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(EngineCapabilities.class)
                .timeout(timeout);
    }
}

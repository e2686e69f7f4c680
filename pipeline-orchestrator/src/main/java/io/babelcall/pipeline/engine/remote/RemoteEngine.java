package io.babelcall.pipeline.engine.remote;

import io.babelcall.pipeline.engine.spi.EngineHealth;
import java.util.function.Supplier;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** What the HTTP adapters of every role share: endpoint and client, name, length limit, error mapping, health. */
public abstract class RemoteEngine implements EngineHealth {

    protected final RemoteEngines.Endpoint endpoint;
    protected final WebClient http;
    protected final RemoteEngines remote;
    private final int maxChars;
    private final String healthPath;

    protected RemoteEngine(RemoteEngines remote, RemoteEngines.Endpoint endpoint, int maxChars, String healthPath) {
        this.remote = remote;
        this.endpoint = endpoint;
        this.http = remote.webClient(endpoint);
        this.maxChars = maxChars;
        this.healthPath = healthPath;
    }

    public String name() {
        return endpoint.name();
    }

    /** The error for text over the length limit; null when within it. */
    protected final IllegalArgumentException lengthError(String text) {
        return text.length() <= maxChars ? null : new IllegalArgumentException(
                "text of " + text.length() + " characters is over the limit of " + maxChars);
    }

    /** Sends one request; transport and HTTP failures become engine errors. */
    protected final <T> Mono<T> send(Supplier<Mono<T>> request) {
        return Mono.defer(request).onErrorMap(e -> RemoteEngines.transportError(endpoint, e));
    }

    @Override
    public Mono<Status> health() {
        return RemoteHealth.probe(http, endpoint, healthPath);
    }
}

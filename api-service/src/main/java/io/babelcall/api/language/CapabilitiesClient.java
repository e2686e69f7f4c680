package io.babelcall.api.language;

import io.babelcall.common.engine.EngineCapabilities;
import reactor.core.publisher.Mono;

/** Where the engine capabilities come from: the orchestrator, unless another bean is declared. */
public interface CapabilitiesClient {

    Mono<EngineCapabilities> fetch();
}

package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.engine.EngineCapabilities;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/engines/capabilities}: what the configured routes can do; the api derives its languages from it. */
@RestController
public class EngineCapabilitiesController {

    private final EngineRouter router;

    public EngineCapabilitiesController(EngineRouter router) {
        this.router = router;
    }

    @GetMapping("/api/v1/engines/capabilities")
    public EngineCapabilities capabilities() {
        return router.capabilities();
    }
}

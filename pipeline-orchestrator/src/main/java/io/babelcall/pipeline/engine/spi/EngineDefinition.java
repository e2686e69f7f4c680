package io.babelcall.pipeline.engine.spi;

import java.time.Duration;

/**
 * What a factory gets to build one instance: its configured name, type, time limit and options.
 *
 * @param name     instance name ({@code babelcall.engines.instances.<name>})
 * @param type     adapter type
 * @param required whether it counts for readiness
 * @param timeout  the effective time limit of one call
 * @param options  type-specific options; read them through its typed getters so unknown keys can be reported
 */
public record EngineDefinition(String name, String type, boolean required, Duration timeout, EngineOptions options) {

    /** The property prefix of this instance, for error messages. */
    public String property() {
        return "babelcall.engines.instances." + name;
    }
}

package io.babelcall.pipeline.engine;

import java.time.Duration;
import java.util.Map;

/** Builds engine instances through their real factories, as the registry does. */
public final class TestEngines {

    private TestEngines() {
    }

    /** Creates one instance with {@code factory}; fails with the configuration errors if any. */
    public static <E> E create(EngineFactory<E> factory, String name, Duration timeout, Map<String, String> options) {
        ConfigErrors errors = new ConfigErrors();
        EngineOptions o = new EngineOptions("babelcall.engines.instances." + name + ".options", options, errors);
        E engine = factory.create(new EngineDefinition(name, factory.type(), false, timeout, o), errors);
        o.reportUnknown();
        errors.throwIfAny();
        return engine;
    }
}

package io.babelcall.pipeline.engine.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every engine configuration error found at start-up, so the operator sees them all in one list instead of
 * fixing them one restart at a time.
 */
public final class ConfigErrors {

    private final List<String> errors = new ArrayList<>();

    public void add(String error) {
        errors.add(error);
    }

    /** Adds an error about one property path, e.g. {@code babelcall.engines.instances.sphinx.type}. */
    public void add(String property, String problem) {
        errors.add(property + ": " + problem);
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public List<String> list() {
        return List.copyOf(errors);
    }

    /** Throws an {@link EngineConfigurationException} listing every error, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new EngineConfigurationException(errors);
        }
    }
}

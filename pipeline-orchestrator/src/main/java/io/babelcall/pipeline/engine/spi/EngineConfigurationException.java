package io.babelcall.pipeline.engine.spi;

import java.util.List;

/** The engine configuration is invalid; the message lists every problem, one per line. */
public class EngineConfigurationException extends RuntimeException {

    private final List<String> errors;

    public EngineConfigurationException(List<String> errors) {
        super(format(errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }

    private static String format(List<String> errors) {
        StringBuilder out = new StringBuilder("Invalid engine configuration (babelcall.engines), ")
                .append(errors.size()).append(errors.size() == 1 ? " error:" : " errors:");
        for (String e : errors) {
            out.append("\n  - ").append(e);
        }
        return out.toString();
    }
}

package io.babelcall.pipeline.engine.spi;

/**
 * An engine refused a call because it is at capacity, or its circuit breaker is open ({@code outcome=rejected} in
 * metrics). Nothing was sent to the engine.
 */
public class EngineRejectedException extends EngineException {

    public EngineRejectedException(String message) {
        super(message);
    }

    public EngineRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}

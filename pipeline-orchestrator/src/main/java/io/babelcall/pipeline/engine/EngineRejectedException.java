package io.babelcall.pipeline.engine;

/** An engine refused a call because it is at capacity ({@code outcome=rejected} in metrics). */
public class EngineRejectedException extends EngineException {

    public EngineRejectedException(String message) {
        super(message);
    }
}

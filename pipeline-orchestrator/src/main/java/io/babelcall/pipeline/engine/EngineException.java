package io.babelcall.pipeline.engine;

/** An engine call failed (process died, server answered an error, malformed reply ...). */
public class EngineException extends RuntimeException {

    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}

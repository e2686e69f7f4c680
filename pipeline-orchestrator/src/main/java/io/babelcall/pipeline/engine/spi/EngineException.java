package io.babelcall.pipeline.engine.spi;

/**
 * An engine call failed (process died, server answered an error, malformed reply ...). {@link #isTransient()} marks
 * failures worth retrying for idempotent calls (connection refused or reset, HTTP 502/503/504 ...); the resilience
 * layer retries only those, and only for MT/TTS.
 */
public class EngineException extends RuntimeException {

    private final boolean transientFailure;

    public EngineException(String message) {
        this(message, null, false);
    }

    public EngineException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public EngineException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether the same call may succeed if simply tried again (connection or gateway failure). */
    public boolean isTransient() {
        return transientFailure;
    }
}

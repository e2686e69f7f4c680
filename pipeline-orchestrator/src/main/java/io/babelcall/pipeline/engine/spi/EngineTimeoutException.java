package io.babelcall.pipeline.engine.spi;

import java.time.Duration;

/** An engine call exceeded its time limit ({@code outcome=timeout} in metrics). */
public class EngineTimeoutException extends EngineException {

    public EngineTimeoutException(EngineRole role, String engine, Duration limit) {
        super(role.tag() + " engine '" + engine + "' did not answer within " + limit.toMillis() + " ms");
    }
}

package io.babelcall.pipeline.engine.config;

import io.babelcall.pipeline.engine.spi.EngineConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints the list of engine configuration errors as the start-up failure, without a stack trace to dig through. */
public class EngineConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<EngineConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EngineConfigurationException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix the listed babelcall.engines.* properties (see docs/engines.md for the reference).", cause);
    }
}

package io.babelcall.pipeline.engine.remote;

import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineRole;

/** Base of the factories of remote adapters: their type and role, and the shared {@link RemoteEngines}. */
public abstract class RemoteEngineFactory<E> implements EngineFactory<E> {

    protected final RemoteEngines remote;
    private final String type;
    private final EngineRole role;

    protected RemoteEngineFactory(String type, EngineRole role, RemoteEngines remote) {
        this.type = type;
        this.role = role;
        this.remote = remote;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public EngineRole role() {
        return role;
    }
}

package io.babelcall.pipeline.translation.vinai;

import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.translation.Translator;

/**
 * Type {@code vinai} (serves vi->en and en->vi). Options: {@code url} (required), {@code api-key}
 * ({@code Authorization: Bearer}, or in {@code api-key-header}), {@code path} ({@code /translate}), {@code max-chars}
 * (2000), {@code health-path} ({@code /health}), {@code connect-timeout}, {@code max-response-size} (1 MiB).
 */
public class VinaiFactory extends RemoteEngineFactory<Translator> {

    public static final String TYPE = "vinai";

    public VinaiFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.MT, remote);
    }

    @Override
    public Translator create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://vinai-translate:8000", "https?", 1024 * 1024);
        String path = o.string("path", "/translate");
        int maxChars = o.integer("max-chars", 2000, 1, 100_000);
        String healthPath = o.string("health-path", "/health");
        return endpoint == null ? null : new VinaiTranslator(remote, endpoint, path, maxChars, healthPath);
    }
}

package io.babelcall.pipeline.tts.piper;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import java.util.Map;
import java.util.Set;

/**
 * Type {@code piper} (the original Piper service). Options: {@code url} (required), {@code languages} (required),
 * {@code codes.<tag>} (the {@code lang} value sent; default the primary language, e.g. {@code vi}), {@code path}
 * ({@code /synthesize}), {@code api-key}, {@code max-chars} (1000), {@code health-path} ({@code /health}),
 * {@code connect-timeout}, {@code max-response-size} (16 MiB: base64 WAV).
 */
public class PiperFactory extends RemoteEngineFactory<SpeechSynthesizer> {

    public static final String TYPE = "piper";

    public PiperFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.TTS, remote);
    }

    @Override
    public SpeechSynthesizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://piper-tts:5000", "https?", 16 * 1024 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[vi]");
        Map<String, String> codes = o.map("codes");
        String path = o.string("path", "/synthesize");
        int maxChars = o.integer("max-chars", 1000, 1, 100_000);
        String healthPath = o.string("health-path", "/health");
        if (endpoint == null || languages.isEmpty()) {
            return null;
        }
        return new PiperSynthesizer(remote, endpoint, languages, path, codes, maxChars, healthPath);
    }
}

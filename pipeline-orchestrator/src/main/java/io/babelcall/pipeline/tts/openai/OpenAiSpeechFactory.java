package io.babelcall.pipeline.tts.openai;

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
 * Type {@code openai-tts}. Options: {@code url} (required, server root, e.g. {@code http://speaches:8000}),
 * {@code languages} (required), {@code model} ({@code tts-1}), {@code default-voice} ({@code alloy}),
 * {@code voice.<lang>} (voice per language), {@code path} ({@code /v1/audio/speech}), {@code api-key} (Bearer),
 * {@code max-chars} (1000), {@code health-path} ({@code /health}), {@code connect-timeout},
 * {@code max-response-size} (16 MiB).
 */
public class OpenAiSpeechFactory extends RemoteEngineFactory<SpeechSynthesizer> {

    public static final String TYPE = "openai-tts";

    public OpenAiSpeechFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.TTS, remote);
    }

    @Override
    public SpeechSynthesizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://speaches:8000", "https?", 16 * 1024 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[en, es]");
        String model = o.string("model", "tts-1");
        String defaultVoice = o.string("default-voice", "alloy");
        Map<String, String> voices = o.map("voice");
        String path = o.string("path", "/v1/audio/speech");
        int maxChars = o.integer("max-chars", 1000, 1, 100_000);
        String healthPath = o.string("health-path", "/health");
        if (endpoint == null || languages.isEmpty()) {
            return null;
        }
        return new OpenAiSpeechSynthesizer(remote, endpoint, languages, path, model, defaultVoice, voices, maxChars,
                healthPath);
    }
}

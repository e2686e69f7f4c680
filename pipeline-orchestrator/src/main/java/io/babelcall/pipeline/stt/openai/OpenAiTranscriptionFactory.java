package io.babelcall.pipeline.stt.openai;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.UtteranceRecognizer;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.util.Set;

/**
 * Type {@code openai-stt}. Options: {@code url} (required, server root), {@code languages} (required),
 * {@code model} ({@code whisper-1}; speaches wants e.g. {@code Systran/faster-whisper-small}), {@code path}
 * ({@code /v1/audio/transcriptions}; whisper.cpp server: whatever {@code --inference-path} says),
 * {@code send-language} (true), {@code api-key} (Bearer), {@code interim-interval} (0 = no interims, e.g. 1s),
 * {@code interim-min-audio} (1s), {@code max-audio} (30s), {@code health-path} ({@code /health}),
 * {@code connect-timeout}, {@code max-response-size} (1 MiB).
 */
public class OpenAiTranscriptionFactory extends RemoteEngineFactory<SpeechRecognizer> {

    public static final String TYPE = "openai-stt";

    public OpenAiTranscriptionFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.STT, remote);
    }

    @Override
    public SpeechRecognizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://speaches:8000", "https?", 1024 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[en, vi]");
        String model = o.string("model", "whisper-1");
        String path = o.string("path", "/v1/audio/transcriptions");
        boolean sendLanguage = o.bool("send-language", true);
        UtteranceRecognizer.Settings settings = UtteranceRecognizer.Settings.parse(def);
        String healthPath = o.string("health-path", "/health");
        if (endpoint == null || languages.isEmpty()) {
            return null;
        }
        return new UtteranceRecognizer(def.name(), languages, settings,
                new OpenAiTranscriber(remote, endpoint, path, model, sendLanguage, healthPath));
    }
}

package io.babelcall.pipeline.stt.original;

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
 * Type {@code original-stt}. Options: {@code url} (required), {@code languages} (required, e.g. {@code [vi]}),
 * {@code api-key}, {@code interim-interval} (0 = none), {@code interim-min-audio} (1s), {@code max-audio} (30s),
 * {@code health-path} ({@code /health}), {@code connect-timeout}, {@code max-response-size} (1 MiB).
 */
public class OriginalSttFactory extends RemoteEngineFactory<SpeechRecognizer> {

    public static final String TYPE = "original-stt";

    public OriginalSttFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.STT, remote);
    }

    @Override
    public SpeechRecognizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://stt-service:8000", "https?", 1024 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[vi]");
        UtteranceRecognizer.Settings settings = UtteranceRecognizer.Settings.parse(def);
        String healthPath = o.string("health-path", "/health");
        if (endpoint == null || languages.isEmpty()) {
            return null;
        }
        return new UtteranceRecognizer(def.name(), languages, settings,
                new OriginalSttTranscriber(remote, endpoint, healthPath));
    }
}

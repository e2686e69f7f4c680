package io.babelcall.pipeline.stt.vosk;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * Type {@code vosk}. Options: {@code url} (required, {@code ws://vosk:2700}), {@code languages} (required: the
 * language of the server's model, e.g. {@code [en]}), {@code chunk} (100ms of audio per binary frame),
 * {@code max-backlog} (5s of audio sent but not yet answered before the utterance fails), {@code connect-timeout}
 * (2s), {@code max-response-size} (64 KiB per reply frame), {@code api-key} (sent as a header on the handshake).
 */
public class VoskFactory extends RemoteEngineFactory<SpeechRecognizer> {

    public static final String TYPE = "vosk";

    public VoskFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.STT, remote);
    }

    @Override
    public SpeechRecognizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "ws://vosk:2700", "wss?", 64 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[en]");
        Duration chunk = o.duration("chunk", Duration.ofMillis(100));
        Duration maxBacklog = o.duration("max-backlog", Duration.ofSeconds(5));
        if (chunk.toMillis() < 10 || chunk.toMillis() > 1000) {
            o.invalid("chunk", "must be between 10ms and 1s");
            return null;
        }
        if (endpoint == null || languages.isEmpty()) {
            return null;
        }
        var client = remote.webSocketClient(endpoint);
        if (endpoint.apiKey() != null) {
            String header = endpoint.apiKeyHeader();
            String value = header.equalsIgnoreCase("Authorization") ? "Bearer " + endpoint.apiKey() : endpoint.apiKey();
            client = client.headers(h -> h.set(header, value));
        }
        return new VoskRecognizer(def.name(), URI.create(endpoint.url()), languages, client, remote.json(),
                (int) chunk.toMillis(), maxBacklog, endpoint.connectTimeout(), endpoint.maxResponseBytes(), def.timeout());
    }
}

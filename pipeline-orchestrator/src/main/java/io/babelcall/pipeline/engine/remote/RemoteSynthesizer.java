package io.babelcall.pipeline.engine.remote;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.EngineHealth;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.util.Set;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** Base of the HTTP synthesizers: length limit, blank text refused, WAV validated, failures mapped, health probe. */
public abstract class RemoteSynthesizer implements SpeechSynthesizer, EngineHealth {

    protected final RemoteEngines.Endpoint endpoint;
    protected final WebClient http;
    protected final RemoteEngines remote;
    private final Set<LanguageCode> languages;
    private final int maxChars;
    private final String healthPath;

    protected RemoteSynthesizer(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<LanguageCode> languages,
                                int maxChars, String healthPath) {
        this.remote = remote;
        this.endpoint = endpoint;
        this.http = remote.webClient(endpoint);
        this.languages = Set.copyOf(languages);
        this.maxChars = maxChars;
        this.healthPath = healthPath;
    }

    @Override
    public String name() {
        return endpoint.name();
    }

    @Override
    public Set<LanguageCode> languages() {
        return languages;
    }

    @Override
    public final Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice) {
        if (text == null || text.isBlank()) {
            return Mono.error(new IllegalArgumentException("nothing to synthesise"));
        }
        if (text.length() > maxChars) {
            return Mono.error(new IllegalArgumentException(
                    "text of " + text.length() + " characters is over the limit of " + maxChars));
        }
        return Mono.defer(() -> call(text.strip(), language, voice))
                .onErrorMap(e -> RemoteEngines.transportError(endpoint, e));
    }

    protected abstract Mono<SynthesizedSpeech> call(String text, LanguageCode language, String voice);

    /** A PCM WAV reply as a result, sizes fixed; anything else is a malformed reply. */
    protected SynthesizedSpeech wav(byte[] bytes) {
        var info = WavFile.tryParse(bytes);
        if (info.isEmpty() || info.get().dataLength() == 0) {
            throw RemoteEngines.malformed(endpoint, "not a PCM WAV with audio (" + (bytes == null ? 0 : bytes.length)
                    + " bytes)", bytes == null ? "" : new String(bytes, 0, Math.min(bytes.length, 120),
                    java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        byte[] exact = WavFile.withExactSizes(bytes);
        return new SynthesizedSpeech(exact, info.get().duration());
    }

    @Override
    public Mono<Status> health() {
        return RemoteHealth.probe(http, endpoint, healthPath);
    }
}

package io.babelcall.pipeline.engine.remote;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.util.Set;
import reactor.core.publisher.Mono;

/** Base of the HTTP synthesizers: length limit, blank text refused, WAV validated, failures mapped, health probe. */
public abstract class RemoteSynthesizer extends RemoteEngine implements SpeechSynthesizer {

    private final Set<LanguageCode> languages;

    protected RemoteSynthesizer(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<LanguageCode> languages,
                                int maxChars, String healthPath) {
        super(remote, endpoint, maxChars, healthPath);
        this.languages = Set.copyOf(languages);
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
        IllegalArgumentException tooLong = lengthError(text);
        if (tooLong != null) {
            return Mono.error(tooLong);
        }
        return send(() -> call(text.strip(), language, voice));
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
}

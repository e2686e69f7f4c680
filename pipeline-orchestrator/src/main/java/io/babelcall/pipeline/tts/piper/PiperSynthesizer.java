package io.babelcall.pipeline.tts.piper;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Type {@code piper}: the original Piper service. {@code POST /synthesize {text, lang}} ->
 * {@code {audio_base64 (WAV), lang, duration}}. The voice is the server's choice per {@code lang}; the duration is
 * read from the WAV header (the reply's {@code duration} is informative).
 */
final class PiperSynthesizer extends RemoteSynthesizer {

    private final String path;
    private final Map<String, String> codes;

    PiperSynthesizer(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<LanguageCode> languages, String path,
                     Map<String, String> codes, int maxChars, String healthPath) {
        super(remote, endpoint, languages, maxChars, healthPath);
        this.path = path;
        this.codes = Map.copyOf(codes);
    }

    @Override
    protected Mono<SynthesizedSpeech> call(String text, LanguageCode language, String voice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("lang", codes.getOrDefault(language.value(), codes.getOrDefault(language.primary(), language.primary())));
        return http.post().uri(path)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .accept(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(remote.json().writeValueAsString(body))
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .switchIfEmpty(Mono.error(() -> RemoteEngines.malformed(endpoint, "empty body", "")))
                .map(reply -> {
                    JsonNode root;
                    try {
                        root = remote.json().readTree(reply);
                    } catch (RuntimeException e) {
                        throw RemoteEngines.malformed(endpoint, "not JSON", reply);
                    }
                    JsonNode audio = root.path("audio_base64");
                    if (!audio.isString()) {
                        throw RemoteEngines.malformed(endpoint, "no string 'audio_base64'", reply);
                    }
                    byte[] wav;
                    try {
                        wav = Base64.getMimeDecoder().decode(audio.asString());
                    } catch (IllegalArgumentException e) {
                        throw RemoteEngines.malformed(endpoint, "audio_base64 is not base64", reply);
                    }
                    return wav(wav);
                });
    }
}

package io.babelcall.pipeline.tts.openai;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;

/**
 * Type {@code openai-tts}: OpenAI-compatible {@code POST /v1/audio/speech {model, input, voice, response_format:"wav"}}
 * -> WAV bytes (speaches with Kokoro/Piper, LocalAI, openedai-speech ...). The voice picks the language on those
 * servers, so a voice per language is configured ({@code voice.<lang>}).
 */
final class OpenAiSpeechSynthesizer extends RemoteSynthesizer {

    private final String path;
    private final String model;
    private final String defaultVoice;
    private final Map<String, String> voices;

    OpenAiSpeechSynthesizer(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<LanguageCode> languages,
                            String path, String model, String defaultVoice, Map<String, String> voices, int maxChars,
                            String healthPath) {
        super(remote, endpoint, languages, maxChars, healthPath);
        this.path = path;
        this.model = model;
        this.defaultVoice = defaultVoice;
        this.voices = Map.copyOf(voices);
    }

    @Override
    protected Mono<SynthesizedSpeech> call(String text, LanguageCode language, String voice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("input", text);
        body.put("voice", voice != null ? voice
                : voices.getOrDefault(language.value(), voices.getOrDefault(language.primary(), defaultVoice)));
        body.put("response_format", "wav");
        return http.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.parseMediaType("audio/wav"), MediaType.APPLICATION_OCTET_STREAM, MediaType.ALL)
                .bodyValue(remote.json().writeValueAsString(body))
                .exchangeToMono(RemoteEngines.body(endpoint, byte[].class))
                .switchIfEmpty(Mono.error(() -> RemoteEngines.malformed(endpoint, "empty body", "")))
                .map(this::wav);
    }
}

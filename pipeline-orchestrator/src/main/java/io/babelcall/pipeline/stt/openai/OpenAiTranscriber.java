package io.babelcall.pipeline.stt.openai;

import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteHealth;
import io.babelcall.pipeline.engine.remote.UtteranceRecognizer;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.tts.WavFile;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Type {@code openai-stt}: OpenAI-compatible {@code POST /v1/audio/transcriptions}, multipart form
 * {@code file} (WAV, PCM16 mono), {@code model}, {@code language} (ISO 639-1), {@code response_format=json} ->
 * {@code {"text": ...}}. Served by speaches / faster-whisper-server, whisper.cpp server (its {@code --inference-path}),
 * LocalAI and vLLM.
 */
final class OpenAiTranscriber implements UtteranceRecognizer.Transcriber {

    private final RemoteEngines remote;
    private final RemoteEngines.Endpoint endpoint;
    private final WebClient http;
    private final String path;
    private final String model;
    private final boolean sendLanguage;
    private final String healthPath;

    OpenAiTranscriber(RemoteEngines remote, RemoteEngines.Endpoint endpoint, String path, String model,
                      boolean sendLanguage, String healthPath) {
        this.remote = remote;
        this.endpoint = endpoint;
        this.http = remote.webClient(endpoint);
        this.path = path;
        this.model = model;
        this.sendLanguage = sendLanguage;
        this.healthPath = healthPath;
    }

    @Override
    public Mono<String> transcribe(RecognitionRequest request, short[] samples, boolean interim) {
        byte[] wav = WavFile.pcm16Mono(samples, 0, samples.length, request.sampleRate());
        MultipartBodyBuilder form = new MultipartBodyBuilder();
        form.part("file", new ByteArrayResource(wav) {
            @Override
            public String getFilename() {
                return "utterance.wav";
            }
        }).contentType(MediaType.parseMediaType("audio/wav"));
        form.part("model", model);
        if (sendLanguage) {
            form.part("language", request.language().primary());
        }
        form.part("response_format", "json");
        return http.post().uri(path)
                .accept(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromMultipartData(form.build()))
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .switchIfEmpty(Mono.error(() -> RemoteEngines.malformed(endpoint, "empty body", "")))
                .map(body -> {
                    JsonNode root;
                    try {
                        root = remote.json().readTree(body);
                    } catch (RuntimeException e) {
                        throw RemoteEngines.malformed(endpoint, "not JSON", body);
                    }
                    if (!root.path("text").isString()) {
                        throw RemoteEngines.malformed(endpoint, "no string 'text'", body);
                    }
                    return root.path("text").asString().strip();
                })
                .onErrorMap(e -> RemoteEngines.transportError(endpoint, e));
    }

    @Override
    public Mono<EngineHealth.Status> health() {
        return RemoteHealth.probe(http, endpoint, healthPath);
    }
}

package io.babelcall.pipeline.stt.original;

import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteHealth;
import io.babelcall.pipeline.engine.remote.UtteranceRecognizer;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.stt.RecognitionRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Type {@code original-stt}: the STT service of the deployment Babelcall replaces (PhoWhisper/Whisper behind FastAPI).
 * <ul>
 *   <li>{@code POST /api/v1/stream-start {participant_id, room_id, sample_rate, channels}} when a speaker stream opens;
 *   <li>{@code POST /api/v1/transcribe-stream {participant_id, audio_data, sample_rate, channels: 1, format: "pcm16",
 *       language}} with one utterance's audio (base64 of PCM16LE) -> {@code {participant_id, text, language, confidence,
 *       is_final, timestamp}}; the reply's text is the utterance's final (our endpointing decides where utterances end,
 *       so {@code is_final} is not needed); re-transcriptions of the growing utterance feed interims;
 *   <li>{@code POST /api/v1/stream-end {participant_id}} when the stream closes; {@code GET /health}.
 * </ul>
 */
final class OriginalSttTranscriber implements UtteranceRecognizer.Transcriber {

    private final RemoteEngines remote;
    private final RemoteEngines.Endpoint endpoint;
    private final WebClient http;
    private final String healthPath;

    OriginalSttTranscriber(RemoteEngines remote, RemoteEngines.Endpoint endpoint, String healthPath) {
        this.remote = remote;
        this.endpoint = endpoint;
        this.http = remote.webClient(endpoint);
        this.healthPath = healthPath;
    }

    @Override
    public Mono<Void> start(RecognitionRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("participant_id", request.speakerId());
        body.put("room_id", request.roomId());
        body.put("sample_rate", request.sampleRate());
        body.put("channels", 1);
        return post("/api/v1/stream-start", body).then();
    }

    @Override
    public Mono<String> transcribe(RecognitionRequest request, short[] samples, boolean interim) {
        ByteBuffer pcm = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        pcm.asShortBuffer().put(samples);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("participant_id", request.speakerId());
        body.put("audio_data", Base64.getEncoder().encodeToString(pcm.array()));
        body.put("sample_rate", request.sampleRate());
        body.put("channels", 1);
        body.put("format", "pcm16");
        body.put("language", request.language().primary());
        return post("/api/v1/transcribe-stream", body).map(reply -> {
            JsonNode root = parse(reply);
            JsonNode text = root.path("text");
            if (!text.isString() && !text.isNull()) {
                throw RemoteEngines.malformed(endpoint, "no string 'text'", reply);
            }
            String participant = root.path("participant_id").asString(null);
            if (participant != null && !participant.equals(request.speakerId())) {
                throw RemoteEngines.malformed(endpoint, "answer for participant '" + participant + "', not '"
                        + request.speakerId() + "'", reply);
            }
            return text.isNull() ? "" : text.asString().strip();
        });
    }

    @Override
    public Mono<Void> end(RecognitionRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("participant_id", request.speakerId());
        return post("/api/v1/stream-end", body).then();
    }

    private Mono<String> post(String path, Map<String, Object> body) {
        return http.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(remote.json().writeValueAsString(body))
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .defaultIfEmpty("")
                .onErrorMap(e -> RemoteEngines.transportError(endpoint, e));
    }

    private JsonNode parse(String reply) {
        try {
            JsonNode root = remote.json().readTree(reply);
            if (!root.isObject()) {
                throw RemoteEngines.malformed(endpoint, "not a JSON object", reply);
            }
            return root;
        } catch (RuntimeException e) {
            throw e instanceof EngineException ee ? ee
                    : RemoteEngines.malformed(endpoint, "not JSON", reply);
        }
    }

    @Override
    public Mono<EngineHealth.Status> health() {
        return RemoteHealth.probe(http, endpoint, healthPath);
    }
}

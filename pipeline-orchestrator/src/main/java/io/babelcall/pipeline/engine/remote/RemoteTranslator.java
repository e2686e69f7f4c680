package io.babelcall.pipeline.engine.remote;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.translation.Translator;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Base of the HTTP/JSON translators: length limit, blank text, JSON POST with the exact body, reply size limit,
 * failures mapped to engine errors, and a health probe ({@code GET <health-path>}).
 */
public abstract class RemoteTranslator extends RemoteEngine implements Translator {

    private final Set<TranslationPair> pairs;

    protected RemoteTranslator(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<TranslationPair> pairs,
                               int maxChars, String healthPath) {
        super(remote, endpoint, maxChars, healthPath);
        this.pairs = Set.copyOf(pairs);
    }

    @Override
    public Set<TranslationPair> pairs() {
        return pairs;
    }

    @Override
    public final Mono<String> translate(String text, LanguageCode source, LanguageCode target) {
        IllegalArgumentException tooLong = lengthError(text);
        if (tooLong != null) {
            return Mono.error(tooLong);
        }
        if (text.isBlank()) {
            return Mono.just("");
        }
        return send(() -> call(text, source, target));
    }

    /** One translation request; the text is non-blank and within the limit. */
    protected abstract Mono<String> call(String text, LanguageCode source, LanguageCode target);

    /** POSTs {@code body} as JSON (fields in the map's order) and returns the parsed reply. */
    protected Mono<JsonNode> postJson(String path, Map<String, Object> body) {
        String request = remote.json().writeValueAsString(body);
        return http.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(request)
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .switchIfEmpty(Mono.error(() -> RemoteEngines.malformed(endpoint, "empty body", "")))
                .map(reply -> parse(reply));
    }

    protected JsonNode parse(String reply) {
        try {
            return remote.json().readTree(reply);
        } catch (RuntimeException e) {
            throw RemoteEngines.malformed(endpoint, "not JSON", reply);
        }
    }

    /** The string field {@code field} of an object reply, or a malformed-reply error. */
    protected String text(JsonNode reply, String field) {
        JsonNode v = reply.path(field);
        if (!v.isString()) {
            throw RemoteEngines.malformed(endpoint, "no string '" + field + "'", reply.toString());
        }
        return v.asString().trim();
    }
}

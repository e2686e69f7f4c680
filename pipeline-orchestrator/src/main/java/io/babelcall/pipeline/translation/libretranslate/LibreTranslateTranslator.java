package io.babelcall.pipeline.translation.libretranslate;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteTranslator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Type {@code libretranslate}: {@code POST /translate {q, source, target, format:"text", api_key}} ->
 * {@code {translatedText}}; errors come as {@code {error}} with 4xx/5xx. Capabilities from {@code GET /languages} ->
 * {@code [{code, name, targets}]}. The API key travels in the body ({@code api_key}, empty when none), as
 * LibreTranslate expects.
 */
final class LibreTranslateTranslator extends RemoteTranslator {

    private final String apiKey;
    private final Map<String, String> codes;

    LibreTranslateTranslator(RemoteEngines remote, RemoteEngines.Endpoint endpoint, String apiKey,
                             Set<TranslationPair> pairs, Map<String, String> codes, int maxChars, String healthPath) {
        super(remote, endpoint, pairs, maxChars, healthPath);
        this.apiKey = apiKey;
        this.codes = Map.copyOf(codes);
    }

    @Override
    protected Mono<String> call(String text, LanguageCode source, LanguageCode target) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("q", text);
        body.put("source", serverCode(source));
        body.put("target", serverCode(target));
        body.put("format", "text");
        body.put("api_key", apiKey == null ? "" : apiKey);
        return postJson("/translate", body).map(reply -> text(reply, "translatedText"));
    }

    /** A configured {@code codes.<tag>} mapping, else a region variant the server lists, else the primary language. */
    private String serverCode(LanguageCode language) {
        String mapped = codes.getOrDefault(language.value(), codes.get(language.primary()));
        if (mapped != null) {
            return mapped;
        }
        for (TranslationPair p : pairs()) {
            if (p.source().equals(language) || p.target().equals(language)) {
                return language.value();
            }
        }
        return language.primary();
    }

    /** Directions the server offers ({@code GET /languages}), as product tags ({@code codes} mapped back). */
    static Mono<Set<TranslationPair>> listPairs(WebClient http, RemoteEngines.Endpoint endpoint, RemoteEngines remote,
                                               Map<String, String> codes) {
        Map<String, String> back = new LinkedHashMap<>();
        codes.forEach((tag, code) -> back.put(code, tag));
        return http.get().uri("/languages").accept(MediaType.APPLICATION_JSON)
                .exchangeToMono(RemoteEngines.body(endpoint, String.class))
                .map(body -> {
                    JsonNode root;
                    try {
                        root = remote.json().readTree(body);
                    } catch (RuntimeException e) {
                        throw RemoteEngines.malformed(endpoint, "GET /languages is not JSON", body);
                    }
                    if (!root.isArray()) {
                        throw RemoteEngines.malformed(endpoint, "GET /languages is not a list", body);
                    }
                    Set<TranslationPair> out = new LinkedHashSet<>();
                    for (JsonNode language : root) {
                        LanguageCode source = product(language.path("code").asString(""), back);
                        if (source == null) {
                            continue;
                        }
                        for (JsonNode t : language.path("targets")) {
                            LanguageCode target = product(t.asString(""), back);
                            if (target != null && !target.samePrimaryAs(source)) {
                                out.add(new TranslationPair(source, target));
                            }
                        }
                    }
                    return out;
                });
    }

    private static LanguageCode product(String code, Map<String, String> back) {
        String tag = back.getOrDefault(code, code);
        return LanguageCode.isValid(tag) ? LanguageCode.of(tag) : null;
    }
}

package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Type {@code apertium-apy}: an Apertium APy server over HTTP ({@code GET /translate?langpair=eng|spa&q=...
 * &markUnknown=yes} -> {@code {"responseData":{"translatedText":...},"responseStatus":200}}; {@code GET /listPairs}).
 * Unknown words come back marked and are reported as spans ({@link ApertiumMarks}).
 */
final class ApertiumApyTranslator implements Translator, EngineHealth {

    private final String name;
    private final String baseUrl;
    private final WebClient http;
    private final JsonMapper json;
    private final Set<TranslationPair> pairs;
    private final int maxChars;

    ApertiumApyTranslator(String name, String baseUrl, WebClient http, JsonMapper json, Set<TranslationPair> pairs,
                          int maxChars) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.http = http;
        this.json = json;
        this.pairs = Set.copyOf(pairs);
        this.maxChars = maxChars;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<TranslationPair> pairs() {
        return pairs;
    }

    @Override
    public Mono<String> translate(String text, LanguageCode source, LanguageCode target) {
        return translateMarked(text, source, target).map(TranslatedText::text);
    }

    /** Asks APy to mark unknown words ({@code markUnknown=yes}); the text has no marks ({@link ApertiumMarks}). */
    @Override
    public Mono<TranslatedText> translateMarked(String text, LanguageCode source, LanguageCode target) {
        if (text.length() > maxChars) {
            return Mono.error(new IllegalArgumentException(
                    "text of " + text.length() + " characters is over the limit of " + maxChars));
        }
        if (text.isBlank()) {
            return Mono.just(TranslatedText.plain(""));
        }
        String langpair = apertiumCode(source) + "|" + apertiumCode(target);
        return http.get()
                .uri(b -> b.path("/translate")
                        .queryParam("langpair", "{langpair}")
                        .queryParam("q", "{q}")
                        .queryParam("markUnknown", "yes")
                        .build(langpair, ApertiumMarks.protect(text)))
                .accept(MediaType.APPLICATION_JSON)
                .retrieve()
                .bodyToMono(String.class)
                .onErrorMap(WebClientResponseException.class, e -> new EngineException(
                        "APy " + baseUrl + " answered " + e.getStatusCode().value() + ": "
                                + abbreviate(e.getResponseBodyAsString()), e))
                .map(body -> ApertiumMarks.parse(parseTranslation(body, langpair)));
    }

    /** The Apertium code of a product language; a region tag keeps its region ({@code en-US} -> {@code eng_US}). */
    private String apertiumCode(LanguageCode language) {
        for (TranslationPair p : pairs) {
            for (LanguageCode l : new LanguageCode[] {p.source(), p.target()}) {
                if (l.equals(language) && !l.value().equals(l.primary())) {
                    return ApertiumLanguages.toApertium(l) + "_" + l.value().substring(l.primary().length() + 1);
                }
            }
        }
        return ApertiumLanguages.toApertium(language);
    }

    private String parseTranslation(String body, String langpair) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (RuntimeException e) {
            throw new EngineException("APy " + baseUrl + " sent malformed JSON: " + abbreviate(body));
        }
        int status = root.path("responseStatus").asInt(0);
        JsonNode text = root.path("responseData").path("translatedText");
        if (status != 200 || !text.isString()) {
            throw new EngineException("APy " + baseUrl + " could not translate " + langpair + ": status " + status
                    + ", " + abbreviate(root.path("responseDetails").asString("no details")));
        }
        return text.asString().trim();
    }

    /** Pairs a server offers ({@code GET /listPairs}), as product language tags. */
    static Mono<Set<TranslationPair>> listPairs(WebClient http, JsonMapper json) {
        return http.get().uri("/listPairs").accept(MediaType.APPLICATION_JSON).retrieve().bodyToMono(String.class)
                .map(body -> {
                    Set<TranslationPair> out = new LinkedHashSet<>();
                    for (JsonNode p : json.readTree(body).path("responseData")) {
                        var s = ApertiumLanguages.fromApertium(p.path("sourceLanguage").asString(""));
                        var t = ApertiumLanguages.fromApertium(p.path("targetLanguage").asString(""));
                        if (s.isPresent() && t.isPresent()) {
                            out.add(new TranslationPair(s.get(), t.get()));
                        }
                    }
                    return out;
                });
    }

    @Override
    public Mono<Status> health() {
        return listPairs(http, json)
                .timeout(Duration.ofSeconds(2))
                .map(p -> Status.up(Map.of("url", baseUrl, "pairs", p.size())))
                .onErrorResume(e -> Mono.just(new Status(false, Map.of("url", baseUrl, "error", e.toString()))));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}

package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Type {@code apertium}: local Apertium, one long-lived null-flush pipeline per direction owned by the orchestrator
 * (no network listener at all). The blocking pipe write runs on {@code boundedElastic}; the answer arrives on the
 * pipeline's reader thread. Unknown words are marked by the pipelines and reported as spans ({@link ApertiumMarks}).
 */
final class ApertiumTranslator implements Translator, EngineHealth, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApertiumTranslator.class);

    private final String name;
    private final Map<TranslationPair, ApertiumPipeline> pipelines;
    private final int maxChars;

    ApertiumTranslator(String name, Map<TranslationPair, ApertiumPipeline> pipelines, int maxChars) {
        this.name = name;
        this.pipelines = Map.copyOf(pipelines);
        this.maxChars = maxChars;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<TranslationPair> pairs() {
        return pipelines.keySet();
    }

    @Override
    public Mono<String> translate(String text, LanguageCode source, LanguageCode target) {
        return translateMarked(text, source, target).map(TranslatedText::text);
    }

    /** Unknown words come back marked ({@link ApertiumMarks}); the text has no marks. */
    @Override
    public Mono<TranslatedText> translateMarked(String text, LanguageCode source, LanguageCode target) {
        ApertiumPipeline pipeline = pipelineFor(source, target);
        if (pipeline == null) {
            return Mono.error(new IllegalArgumentException(
                    "apertium '" + name + "' has no " + source + "->" + target + " mode; it serves " + pairs()));
        }
        if (text.length() > maxChars) {
            return Mono.error(new IllegalArgumentException(
                    "text of " + text.length() + " characters is over the limit of " + maxChars));
        }
        if (text.isBlank()) {
            return Mono.just(TranslatedText.plain(""));
        }
        return Mono.fromCallable(() -> pipeline.submit(ApertiumMarks.protect(text)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::fromFuture)
                .map(ApertiumMarks::parse);
    }

    /** Starts every pipeline and translates one word through it, so the first real call is warm (~2 ms, not ~100). */
    void warmUp() {
        pipelines.values().forEach(p -> Mono.fromCallable(() -> p.submit("Hello."))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::fromFuture)
                .subscribe(ok -> log.debug("apertium {} warm", p.name()),
                        e -> log.warn("apertium {} warm-up failed: {}", p.name(), e.getMessage())));
    }

    private ApertiumPipeline pipelineFor(LanguageCode source, LanguageCode target) {
        ApertiumPipeline exact = pipelines.get(new TranslationPair(source, target));
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<TranslationPair, ApertiumPipeline> e : pipelines.entrySet()) {
            if (e.getKey().source().samePrimaryAs(source) && e.getKey().target().samePrimaryAs(target)
                    && e.getKey().source().value().equals(e.getKey().source().primary())
                    && e.getKey().target().value().equals(e.getKey().target().primary())) {
                return e.getValue();
            }
        }
        for (Map.Entry<TranslationPair, ApertiumPipeline> e : pipelines.entrySet()) {
            if (e.getKey().source().samePrimaryAs(source) && e.getKey().target().samePrimaryAs(target)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** For tests: the pipeline serving a direction. */
    ApertiumPipeline pipeline(LanguageCode source, LanguageCode target) {
        return pipelineFor(source, target);
    }

    @Override
    public Mono<Status> health() {
        Map<String, Object> modes = new LinkedHashMap<>();
        boolean failed = false;
        for (ApertiumPipeline p : pipelines.values()) {
            String error = p.lastError();
            modes.put(p.name(), p.isRunning() ? "running" : error == null ? "idle" : "restarting: " + error);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modes", modes);
        return Mono.just(new Status(!failed, details));
    }

    @Override
    public void close() {
        pipelines.values().forEach(ApertiumPipeline::close);
    }
}

package io.babelcall.pipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.engine.registry.EngineCache;
import io.babelcall.pipeline.engine.registry.EngineCapabilitiesController;
import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.testsupport.RedisServerExtension;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The engines wired by Spring with the shipped application.yml defaults (real pocketsphinx, Apertium, espeak-ng, real
 * Redis): capabilities endpoint, health, metrics, and the Redis cache counted against real engine calls. Only the
 * engine configuration is loaded, so this runs independently of the rest of the pipeline.
 */
@SpringBootTest(classes = EnginesApplicationTests.EnginesOnly.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
                "babelcall.token.secret=engines-test-secret-engines-test-secret-0123",
                "babelcall.engines.instances.sphinx.options.min-idle=0", // no decoder needed here: saves CPU
                "babelcall.engines.instances.apertium.options.modes=eng-spa,spa-eng,eng-cat,cat-eng"})
@AutoConfigureWebTestClient
@ExtendWith(RedisServerExtension.class)
class EnginesApplicationTests {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(EngineCapabilitiesController.class) // EngineConfiguration comes as an auto-configuration
    static class EnginesOnly {
    }

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");

    @Autowired
    WebTestClient web;
    @Autowired
    EngineRouter router;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    EngineRegistry registry;
    @Autowired
    ClientResources lettuce;

    @Test
    void capabilitiesComeFromTheConfiguredRoutes() {
        web.get().uri("/api/v1/engines/capabilities").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.recognition").isEqualTo("en")
                .jsonPath("$.translation[?(@.source=='en' && @.target=='es')]").exists()
                .jsonPath("$.translation[?(@.source=='en' && @.target=='ca')]").exists()
                .jsonPath("$.translation[?(@.source=='es' && @.target=='en')]").exists()
                .jsonPath("$.synthesis[?(@=='vi')]").exists()
                .jsonPath("$.synthesis[?(@=='es')]").exists();
    }

    @Test
    void aRepeatedTranslationIsACacheHitAndCallsTheEngineOnce() {
        Translator translator = router.translatorFor(EN, ES).orElseThrow();
        String text = "The house number " + ThreadLocalRandom.current().nextInt(1_000_000) + " is big.";
        double calls = engineCalls("mt", "apertium");
        double hits = cache("mt", "hit");
        double misses = cache("mt", "miss");

        String first = translator.translate(text, EN, ES).block(Duration.ofSeconds(10));
        String second = translator.translate("  " + text.replace(" is", "  is") + " ", EN, ES)
                .block(Duration.ofSeconds(10)); // same normalised text

        assertThat(first).contains("casa").isEqualTo(second);
        assertThat(engineCalls("mt", "apertium") - calls).isEqualTo(1);
        assertThat(cache("mt", "miss") - misses).isEqualTo(1);
        assertThat(cache("mt", "hit") - hits).isEqualTo(1);
        Long ttl = redis.keys("mt:*").flatMap(k -> redis.getExpire(k)).map(Duration::getSeconds)
                .blockFirst(Duration.ofSeconds(5));
        assertThat(ttl).isPositive();
    }

    /**
     * The unknown-word spans are cached with the translation (a hit keeps them), and an entry in the format written
     * before spans existed (plain text under the key without a format) is never served as a translation without them.
     */
    @Test
    void aCachedTranslationKeepsItsUnknownWordsAndAnOldFormatEntryIsNotServed() {
        Translator translator = router.translatorFor(EN, ES).orElseThrow();
        String text = "The flibbertigibbet number " + ThreadLocalRandom.current().nextInt(1_000_000) + " is big.";
        String fingerprint = registry.instances().get("apertium").fingerprint();
        redis.opsForValue().set(RedisKeys.translationCache(EngineCache.hash(fingerprint, "en", "es", text)),
                "El flibbertigibbet número es grande.", Duration.ofMinutes(5)).block(Duration.ofSeconds(5));
        double calls = engineCalls("mt", "apertium");
        double hits = cache("mt", "hit");

        TranslatedText first = translator.translateMarked(text, EN, ES).block(Duration.ofSeconds(10));
        TranslatedText second = translator.translateMarked(text, EN, ES).block(Duration.ofSeconds(10));

        assertThat(first.unknown()).extracting(span -> first.text().substring(span.start(), span.end()))
                .containsExactly("flibbertigibbet");
        assertThat(second).isEqualTo(first);
        assertThat(translator.translate(text, EN, ES).block(Duration.ofSeconds(10))).isEqualTo(first.text());
        assertThat(engineCalls("mt", "apertium") - calls).isEqualTo(1);
        assertThat(cache("mt", "hit") - hits).isEqualTo(2);
    }

    @Test
    void aRepeatedSynthesisIsABinaryCacheHit() {
        SpeechSynthesizer tts = router.synthesizerFor(ES).orElseThrow();
        String text = "La casa número " + ThreadLocalRandom.current().nextInt(1_000_000) + " es grande.";
        double calls = engineCalls("tts", "espeak");
        double hits = cache("tts", "hit");

        SynthesizedSpeech first = tts.synthesize(text, ES, null).block(Duration.ofSeconds(10));
        SynthesizedSpeech second = tts.synthesize(text, ES, null).block(Duration.ofSeconds(10));

        assertThat(second.wav()).isEqualTo(first.wav());
        assertThat(second.duration()).isEqualTo(first.duration()).isGreaterThan(Duration.ofMillis(500));
        assertThat(engineCalls("tts", "espeak") - calls).isEqualTo(1);
        assertThat(cache("tts", "hit") - hits).isEqualTo(1);
    }

    @Test
    void healthShowsEveryEngineAndPrometheusTheEngineMeters() {
        router.translatorFor(EN, LanguageCode.of("ca")).orElseThrow().translate("Good night.", EN, LanguageCode.of("ca"))
                .block(Duration.ofSeconds(10));
        web.get().uri("/actuator/health").exchange()
                .expectBody()
                .jsonPath("$.components.engines.status").isEqualTo("UP")
                .jsonPath("$.components.engines.details.sphinx.type").isEqualTo("pocketsphinx")
                .jsonPath("$.components.engines.details.sphinx.status").isEqualTo("UP")
                .jsonPath("$.components.engines.details.apertium.status").isEqualTo("UP")
                .jsonPath("$.components.engines.details.apertium.role").isEqualTo("mt")
                .jsonPath("$.components.engines.details.espeak.status").isEqualTo("UP")
                .jsonPath("$.components.engines.details.espeak.required").isEqualTo(false);
        String prometheus = web.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus)
                .containsPattern("babelcall_engine_call_seconds_bucket\\{.*engine=\"apertium\".*outcome=\"success\".*role=\"mt\"")
                .containsPattern("babelcall_cache_requests_total\\{.*cache=\"mt\".*result=\"miss\"");
        // the cache's Redis commands are on the per-utterance path: no observation (span and timer) around each one
        assertThat(lettuce.tracing().isEnabled()).as("Lettuce command tracing").isFalse();
        assertThat(prometheus).doesNotContain("lettuce");
    }

    private double engineCalls(String role, String engine) {
        return Search.in(meters).name(EngineMetrics.CALL).tag("role", role).tag("engine", engine)
                .timers().stream().mapToDouble(t -> t.count()).sum();
    }

    private double cache(String cache, String result) {
        return Search.in(meters).name(EngineMetrics.CACHE).tag("cache", cache).tag("result", result)
                .counters().stream().mapToDouble(c -> c.count()).sum();
    }
}

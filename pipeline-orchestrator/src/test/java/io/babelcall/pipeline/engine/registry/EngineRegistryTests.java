package io.babelcall.pipeline.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.engine.spi.EngineConfigurationException;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumApyFactory;
import io.babelcall.pipeline.translation.apertium.ApertiumFactory;
import io.babelcall.pipeline.tts.espeak.EspeakFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Start-up validation (one list of every error) and routing, with the real factories. */
class EngineRegistryTests {

    static final List<EngineFactory<?>> FACTORIES = List.of(new PocketsphinxFactory(), new ApertiumFactory(),
            new ApertiumApyFactory(JsonMapper.builder().build()), new EspeakFactory());

    @Test
    void listsEveryConfigurationErrorAtOnce() {
        Map<String, EnginesProperties.Instance> instances = new LinkedHashMap<>();
        instances.put("sphinx", instance("pocketsphinx", Map.of("min-idle", "0")));
        instances.put("apertium", instance("apertium", Map.of("preload", "false")));
        instances.put("espeak", instance("espeak-ng", Map.of()));
        instances.put("whisper", instance("whisper-magic", Map.of()));
        instances.put("nobin", instance("espeak-ng", Map.of("binary", "/nonexistent/espeak-ng")));
        instances.put("apy", instance("apertium-apy", Map.of()));
        instances.put("typo", instance("espeak-ng", Map.of("speeed", "3")));
        instances.put("off", new EnginesProperties.Instance("espeak-ng", false, false, null, Map.of(), Map.of()));
        EnginesProperties.Routes routes = new EnginesProperties.Routes(
                List.of(new EnginesProperties.LanguageRoute(List.of("en", "vi"), "sphinx"),
                        new EnginesProperties.LanguageRoute(List.of("fr"), "ghost"),
                        new EnginesProperties.LanguageRoute(List.of("en"), "sphinx")),
                List.of(new EnginesProperties.PairRoute(List.of("en->es", "en->vi"), "apertium"),
                        new EnginesProperties.PairRoute(List.of("en=>es", "es->es"), "apertium")),
                List.of(new EnginesProperties.LanguageRoute(List.of("*"), "apertium"),
                        new EnginesProperties.LanguageRoute(List.of("de"), "off"),
                        new EnginesProperties.LanguageRoute(List.of("english"), "espeak")));

        assertThatThrownBy(() -> EngineRegistry.create(properties(instances, routes), FACTORIES))
                .isInstanceOfSatisfying(EngineConfigurationException.class, e -> {
                    System.out.println(e.getMessage());
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.whisper.type").contains("unknown type 'whisper-magic'")
                            .contains("pocketsphinx").contains("espeak-ng"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.nobin.options.binary").contains("apt-get install -y espeak-ng"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.apy.options.url").contains("missing"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.typo.options").contains("[speeed]"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.stt[0]").contains("cannot recognise 'vi'"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.stt[1].engine").contains("unknown instance 'ghost'"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.stt[2]").contains("'en' is routed twice"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.mt[0]").contains("cannot translate 'en->vi'"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.mt[1]").contains("'en=>es' is not a pair"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.mt[1]").contains("into itself"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.tts[0].engine").contains("is a mt engine"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.tts[1].engine").contains("disabled"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("routes.tts[2]").contains("'english' is not a language tag"));
                    assertThat(e.errors()).hasSize(13);
                    assertThat(e.getMessage()).startsWith("Invalid engine configuration (babelcall.engines), 13 errors:");
                });
    }

    @Test
    void routesMostSpecificFirstAndFallsBackWhenAWildcardInstanceCannotServe() {
        Map<String, EnginesProperties.Instance> instances = new LinkedHashMap<>();
        instances.put("sphinx", instance("pocketsphinx", Map.of("min-idle", "0")));
        instances.put("apertium", instance("apertium", Map.of("preload", "false")));
        instances.put("espeak", instance("espeak-ng", Map.of()));
        // A remote APy that declares en<->vi only (it is never called here).
        instances.put("remote", instance("apertium-apy", Map.of("url", "http://127.0.0.1:9", "pairs", "en->vi,vi->en")));
        EnginesProperties.Routes routes = new EnginesProperties.Routes(
                List.of(new EnginesProperties.LanguageRoute(List.of("en"), "sphinx")),
                List.of(new EnginesProperties.PairRoute(List.of("en->*"), "remote"),
                        new EnginesProperties.PairRoute(List.of("vi<->en"), "remote"),
                        new EnginesProperties.PairRoute(List.of("*"), "apertium")),
                List.of(new EnginesProperties.LanguageRoute(List.of("*"), "espeak")));
        try (EngineRegistry registry = EngineRegistry.create(properties(instances, routes), FACTORIES)) {
            EngineRouter router = new DefaultEngineRouter(registry, new EngineMetrics(new SimpleMeterRegistry()), null);

            // typed by role: each instance is handed out under its own role's kind only
            assertThat(registry.instances(EngineKind.MT)).extracting(EngineRegistry.Instance::name)
                    .containsExactly("apertium", "remote");
            assertThat(registry.instances(EngineKind.STT)).extracting(EngineRegistry.Instance::name)
                    .containsExactly("sphinx");
            assertThat(registry.engine("espeak", EngineKind.TTS)).isPresent();
            assertThat(registry.engine("espeak", EngineKind.MT)).isEmpty();
            assertThat(registry.engine("ghost", EngineKind.STT)).isEmpty();

            assertThat(router.recognizerFor(LanguageCode.of("en-US")).map(r -> r.name())).contains("sphinx");
            assertThat(router.recognizerFor(LanguageCode.of("vi"))).isEmpty();
            assertThat(router.translatorFor(lang("en"), lang("vi")).map(t -> t.name())).contains("remote");
            assertThat(router.translatorFor(lang("vi"), lang("en")).map(t -> t.name())).contains("remote");
            // en->* names "remote", which cannot do en->es: the wildcard "*" route serves it
            assertThat(router.translatorFor(lang("en"), lang("es")).map(t -> t.name())).contains("apertium");
            assertThat(router.translatorFor(lang("es-MX"), lang("en")).map(t -> t.name())).contains("apertium");
            assertThat(router.translatorFor(lang("en"), lang("en-GB"))).isEmpty();
            assertThat(router.translatorFor(lang("de"), lang("fr"))).isEmpty();
            assertThat(router.synthesizerFor(lang("vi")).map(s -> s.name())).contains("espeak");
            assertThat(router.synthesizerFor(lang("tlh"))).isEmpty();

            EngineCapabilities caps = router.capabilities();
            assertThat(caps.recognition()).containsExactly(lang("en"));
            assertThat(caps.translation()).contains(new TranslationPair(lang("en"), lang("vi")),
                    new TranslationPair(lang("vi"), lang("en")), new TranslationPair(lang("en"), lang("es")),
                    new TranslationPair(lang("ca"), lang("en")));
            assertThat(caps.synthesis()).contains(lang("vi"), lang("es"), lang("en")).hasSizeGreaterThan(90);
        }
    }

    static EnginesProperties.Instance instance(String type, Map<String, String> options) {
        return new EnginesProperties.Instance(type, true, false, null, options, Map.of());
    }

    static EnginesProperties properties(Map<String, EnginesProperties.Instance> instances,
                                        EnginesProperties.Routes routes) {
        return new EnginesProperties(instances, routes,
                new EnginesProperties.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new EnginesProperties.Cache(true, Duration.ofDays(1), Duration.ofDays(1), Duration.ofMillis(200)),
                new EnginesProperties.Resilience(Map.of(), Map.of(), Map.of()),
                new EnginesProperties.Http(64, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    static LanguageCode lang(String tag) {
        return LanguageCode.of(tag);
    }
}

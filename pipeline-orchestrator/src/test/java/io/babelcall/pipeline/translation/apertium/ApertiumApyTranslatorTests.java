package io.babelcall.pipeline.translation.apertium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.support.ApyServer;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.testsupport.LocalBinaries;
import io.babelcall.testsupport.RedisServerExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The APy HTTP adapter against a real {@code apertium-apy} process this test starts, stops and restarts. */
class ApertiumApyTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");
    static Path modes;
    static int port;
    static ApyServer apy;

    @BeforeAll
    static void startApy() throws Exception {
        LocalBinaries.require("apertium-apy", "apertium-apy");
        // Only the eng-spa pair, to keep the server's start-up cheap.
        modes = Files.createTempDirectory("apy-modes");
        for (String m : List.of("eng-spa", "spa-eng")) {
            Files.copy(Path.of("/usr/share/apertium/modes", m + ".mode"), modes.resolve(m + ".mode"));
        }
        port = RedisServerExtension.freePort();
        apy = new ApyServer(modes, port).start();
    }

    @AfterAll
    static void stopApy() throws Exception {
        apy.stop();
    }

    @Test
    void translatesThroughApyAndDegradesAndRecoversWhenTheServerStopsAndReturns() throws Exception {
        Translator translator = TestEngines.create(new ApertiumApyFactory(JsonMapper.builder().build()), "apy",
                Duration.ofSeconds(5), Map.of("url", "http://127.0.0.1:" + port));
        assertThat(translator.pairs()).contains(new TranslationPair(EN, ES), new TranslationPair(ES, EN));
        assertThat(translator.translate("The house is big.", EN, ES).block(Duration.ofSeconds(10)))
                .contains("casa").contains("grande");
        assertThat(translator.translate("Is it 50% & a \"test\" | ok?", EN, ES).block(Duration.ofSeconds(10)))
                .contains("50%").contains("&");
        assertThat(((EngineHealth) translator).health().block().up()).isTrue();

        apy.stop();
        assertThatThrownBy(() -> translator.translate("The house is big.", EN, ES).block(Duration.ofSeconds(10)))
                .isInstanceOf(RuntimeException.class);
        assertThat(((EngineHealth) translator).health().block().up()).isFalse();

        apy.start();
        assertThat(translator.translate("The house is small.", EN, ES).block(Duration.ofSeconds(10)))
                .contains("casa").contains("pequeña");
    }

    /** APy is asked to mark unknown words: the same spans as the local pipelines, no marks in the text. */
    @Test
    void marksWordsItDoesNotKnowAndKeepsLiteralMarkCharacters() {
        Translator translator = TestEngines.create(new ApertiumApyFactory(JsonMapper.builder().build()), "apy",
                Duration.ofSeconds(5), Map.of("url", "http://127.0.0.1:" + port, "pairs", "en->es,es->en"));
        TranslatedText es = translator.translateMarked("The flibbertigibbet is in the station.", EN, ES)
                .block(Duration.ofSeconds(10));
        assertThat(es.text()).contains("flibbertigibbet").doesNotContain("*").doesNotContain("#");
        assertThat(es.unknown()).extracting(span -> es.text().substring(span.start(), span.end()))
                .containsExactly("flibbertigibbet");
        TranslatedText en = translator.translateMarked("El perro es muy zorblaxo.", ES, EN).block(Duration.ofSeconds(10));
        assertThat(en.unknown()).extracting(span -> en.text().substring(span.start(), span.end()))
                .containsExactly("zorblaxo");

        TranslatedText literal = translator.translateMarked("The house costs 5 * 3 dollars at #1 near @home.", EN, ES)
                .block(Duration.ofSeconds(10));
        assertThat(literal.unknown()).isEmpty();
        assertThat(literal.text()).contains("5 * 3").contains("#1").contains("@").contains("casa");
    }

    @Test
    void reportsAServerErrorForAPairItDoesNotHave() {
        Translator translator = TestEngines.create(new ApertiumApyFactory(JsonMapper.builder().build()), "apy",
                Duration.ofSeconds(5), Map.of("url", "http://127.0.0.1:" + port, "pairs", "en->es,en->ca"));
        assertThatThrownBy(() -> translator.translate("The house.", EN, LanguageCode.of("ca"))
                .block(Duration.ofSeconds(10))).hasMessageContaining("APy");
    }
}

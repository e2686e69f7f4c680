package io.babelcall.pipeline.translation.apertium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.testsupport.LocalBinaries;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** Real local Apertium pipelines (Debian apertium-eng-spa, apertium-eng-cat). */
class ApertiumTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");
    static final LanguageCode CA = LanguageCode.of("ca");
    static Translator translator;

    @BeforeAll
    static void create() {
        LocalBinaries.require("lt-proc", "lttoolbox");
        LocalBinaries.require("apertium", "apertium apertium-eng-spa apertium-eng-cat");
        translator = TestEngines.create(new ApertiumFactory(), "apertium", Duration.ofSeconds(5),
                Map.of("modes", "eng-spa,spa-eng,eng-cat", "preload", "false"));
    }

    @AfterAll
    static void close() throws Exception {
        ((AutoCloseable) translator).close();
    }

    @Test
    void servesTheInstalledDirectionsAsIso6391Pairs() {
        assertThat(translator.pairs()).contains(new TranslationPair(EN, ES), new TranslationPair(ES, EN),
                new TranslationPair(EN, CA));
        assertThat(ApertiumLanguages.toApertium(LanguageCode.of("es-MX"))).isEqualTo("spa");
        assertThat(ApertiumLanguages.fromApertium("cat")).contains(CA);
        assertThat(ApertiumLanguages.fromApertium("eng_US")).contains(LanguageCode.of("en-US"));
        assertThat(ApertiumLanguages.fromApertium("cat_valencia")).isEmpty();
    }

    @Test
    void translatesEnglishToSpanishAndCatalan() {
        String es = translator.translate("The house is big.", EN, ES).block(Duration.ofSeconds(10));
        String ca = translator.translate("I live in a small house.", EN, CA).block(Duration.ofSeconds(10));
        String back = translator.translate("La casa es grande.", ES, EN).block(Duration.ofSeconds(10));
        System.out.println("es: " + es + " | ca: " + ca + " | en: " + back);
        assertThat(es).contains("casa").contains("grande").endsWith(".");
        assertThat(ca).containsIgnoringCase("casa").contains("petita");
        assertThat(back).containsIgnoringCase("house").contains("big");
    }

    @Test
    void keepsReservedCharactersAndAnswersConcurrentRequestsInOrder() {
        String odd = translator.translate("The price is $5 [approx] for 3/4 <b> of {it} @home^.", EN, ES)
                .block(Duration.ofSeconds(10));
        assertThat(odd).contains("$5").contains("[approx]").contains("3/4").contains("<b>").contains("{").contains("}").contains("^");

        // 30 requests in flight on one pipeline: each answer must be the one of its own question (FIFO matching)
        List<String> answers = Flux.fromStream(IntStream.range(0, 30).boxed())
                .flatMapSequential(i -> translator.translate("I have " + (100 + i) + " red cars.", EN, ES), 30)
                .collectList().block(Duration.ofSeconds(20));
        for (int i = 0; i < 30; i++) {
            assertThat(answers.get(i)).contains(Integer.toString(100 + i)).contains("coches");
        }
    }

    @Test
    void aKilledPipelineFailsItsRequestsAndIsRestartedForTheNextOne() throws Exception {
        ApertiumTranslator apertium = (ApertiumTranslator) translator;
        assertThat(translator.translate("Good morning.", EN, CA).block(Duration.ofSeconds(10))).isNotBlank();
        ApertiumPipeline pipeline = apertium.pipeline(EN, CA);
        int starts = pipeline.starts();
        Process victim = pipeline.processes().get(3);
        victim.destroyForcibly();
        victim.waitFor();

        String after = translator.translate("The house is big.", EN, CA)
                .onErrorResume(e -> translator.translate("The house is big.", EN, CA)) // one may race the death
                .block(Duration.ofSeconds(10));
        assertThat(after).containsIgnoringCase("casa");
        assertThat(pipeline.starts()).isEqualTo(starts + 1);
    }

    /**
     * A word Apertium does not know is passed through untranslated: it is reported as an unknown span, never shown as
     * a translation, and the text carries no Apertium marks; literal *, # and @ of the input are kept as they are.
     */
    @Test
    void marksWordsItDoesNotKnowAndKeepsLiteralMarkCharacters() {
        TranslatedText es = translator.translateMarked("The flibbertigibbet is in the station.", EN, ES)
                .block(Duration.ofSeconds(10));
        System.out.println("es: " + es);
        assertThat(es.text()).contains("flibbertigibbet").doesNotContain("*").doesNotContain("#").doesNotContain("@");
        assertThat(es.unknown()).hasSize(1);
        assertThat(es.text().substring(es.unknown().get(0).start(), es.unknown().get(0).end()))
                .isEqualTo("flibbertigibbet");
        assertThat(translator.translate("The flibbertigibbet is in the station.", EN, ES).block(Duration.ofSeconds(10)))
                .isEqualTo(es.text());

        TranslatedText ca = translator.translateMarked("I like blorft cars and zyzzlewump houses.", EN, CA)
                .block(Duration.ofSeconds(10));
        assertThat(ca.unknown()).extracting(span -> ca.text().substring(span.start(), span.end()))
                .containsExactly("blorft", "zyzzlewump");

        TranslatedText literal = translator.translateMarked("The house costs 5 * 3 dollars at #1 near @home.", EN, ES)
                .block(Duration.ofSeconds(10));
        assertThat(literal.unknown()).isEmpty();
        assertThat(literal.text()).contains("5 * 3").contains("#1").contains("@").contains("casa");
        TranslatedText known = translator.translateMarked("The house is big.", EN, ES).block(Duration.ofSeconds(10));
        assertThat(known.unknown()).isEmpty();
    }

    @Test
    void rejectsDirectionsItDoesNotServe() {
        assertThatThrownBy(() -> translator.translate("Hello.", EN, LanguageCode.of("vi")).block())
                .hasMessageContaining("no en->vi mode");
    }
}

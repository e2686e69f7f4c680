package io.babelcall.pipeline.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTests {

    private final TextNormalizer normalizer = new TextNormalizer();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "hello world|Hello world.",
            "i think i'm late|I think I'm late.",
            "i'll go and i've seen it i'd say|I'll go and I've seen it I'd say.",
            "where is the station|Where is the station?",
            "how are you|How are you?",
            "is it raining|Is it raining?",
            "do you like it|Do you like it?",
            "can i help you|Can I help you?",
            "could you repeat that|Could you repeat that?",
            "should we start|Should we start?",
            "what|What.",
            "whatever you say|Whatever you say.",
            "the kids|The kids.",
            "  lots   of    space  |Lots of space.",
            "<s> hello <sil> there </s>|Hello there.",
            "[noise] uh huh [laughter]|Uh huh.",
            "go(2) now|Go now.",
            "Already done.|Already done.",
            "really!|Really!",
            "wait ,|Wait.",
            "ice cream is nice|Ice cream is nice.",
    })
    void englishAsrOutputBecomesASentence(String raw, String expected) {
        assertThat(normalizer.normalize(raw, LanguageCode.of("en"))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dónde está la estación|Dónde está la estación.",
            "i vull anar|I vull anar.",
            "über alles|Über alles.",
    })
    void otherLanguagesGetSentenceCaseAndAPeriodButNoEnglishRules(String raw, String expected) {
        String lang = raw.startsWith("ü") ? "de" : raw.startsWith("i ") ? "ca" : "es";
        assertThat(normalizer.normalize(raw, LanguageCode.of(lang))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "'   '", "'<sil>'", "'[noise] [breath]'"})
    void nothingLeftMeansEmpty(String raw) {
        assertThat(normalizer.normalize(raw, LanguageCode.of("en"))).isEmpty();
    }
}

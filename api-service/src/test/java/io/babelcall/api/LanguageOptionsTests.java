package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.language.LanguageOptions;
import io.babelcall.api.language.Languages;
import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageOptionsTests {

    @Test
    void onlyRecognisedSourcesYieldCaptionsAndDubbingFollowsSynthesis() {
        EngineCapabilities capabilities = new EngineCapabilities(
                codes("en"),
                List.of(pair("en", "es"), pair("fr", "de"), pair("en", "pt-BR")),
                codes("pt", "de"));
        Languages languages = LanguageOptions.from(capabilities, Instant.EPOCH);

        assertThat(languages.spoken()).singleElement().satisfies(s ->
                assertThat(s.captions()).extracting(LanguageCode::value).containsExactly("en", "pt-BR", "es"));
        // fr is not recognised, so de (only reachable from fr) is not a caption language.
        assertThat(languages.captions()).extracting(c -> c.code().value()).containsExactly("en", "pt-BR", "es");
        // A pt voice serves pt-BR captions.
        assertThat(languages.dubbing()).extracting(d -> d.code().value()).containsExactly("pt-BR");
        assertThat(languages.stale()).isFalse();
    }

    @Test
    void emptyOrMissingListsGiveEmptyChoices() {
        Languages languages = LanguageOptions.from(new EngineCapabilities(null, null, null), Instant.EPOCH);
        assertThat(languages.spoken()).isEmpty();
        assertThat(languages.captions()).isEmpty();
        assertThat(languages.dubbing()).isEmpty();
    }

    private static List<LanguageCode> codes(String... values) {
        return Arrays.stream(values).map(LanguageCode::of).toList();
    }

    private static TranslationPair pair(String source, String target) {
        return new TranslationPair(LanguageCode.of(source), LanguageCode.of(target));
    }
}

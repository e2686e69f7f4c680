package io.babelcall.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.language.LanguageCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LanguageCodeTests {

    @ParameterizedTest
    @CsvSource({"en,en", "ES,es", "pt-br,pt-BR", "zh-hans,zh-Hans", "zh-hant-tw,zh-Hant-TW", "es-419,es-419", "fil,fil"})
    void acceptsAndCanonicalises(String raw, String canonical) {
        assertThat(LanguageCode.of(raw).value()).isEqualTo(canonical);
        assertThat(LanguageCode.isValid(raw)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"en,EN", "pt-br,PT-BR", "zh-Hans,zh-hans"})
    void parsesOfOneCodeShareOneString(String a, String b) {
        // Every participant, token and event carries codes; a signaling replica holds thousands of them.
        assertThat(LanguageCode.of(a).value()).isSameAs(LanguageCode.of(new String(b.toCharArray())).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "e", "english", "en_US", "en-", "12", "en-USA1", "en us", "<script>"})
    void rejectsMalformed(String raw) {
        assertThat(LanguageCode.isValid(raw)).isFalse();
        assertThatThrownBy(() -> LanguageCode.of(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a language code");
    }

    @ParameterizedTest
    @CsvSource({"pt-BR,pt,true", "en,en-GB,true", "en,es,false"})
    void comparesPrimaryLanguage(String a, String b, boolean same) {
        assertThat(LanguageCode.of(a).samePrimaryAs(LanguageCode.of(b))).isEqualTo(same);
    }

    @ParameterizedTest
    @CsvSource({"es,Spanish", "vi,Vietnamese", "ca,Catalan"})
    void hasEnglishDisplayName(String code, String name) {
        assertThat(LanguageCode.of(code).displayName()).isEqualTo(name);
    }
}

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

    /** RFC 5646 well-formed tags with variants, extensions, extlangs and private use, in RFC 5646 §2.1.1 case. */
    @ParameterizedTest
    @CsvSource({"de-CH-1996,de-CH-1996", "DE-ch-1996,de-CH-1996", "sl-rozaj-biske,sl-rozaj-biske",
            "sl-ROZAJ,sl-rozaj", "de-DE-u-co-phonebk,de-DE-u-co-phonebk", "EN-us-U-CA-GREGORY,en-US-u-ca-gregory",
            "en-US-x-twain,en-US-x-twain", "az-latn-x-latn,az-Latn-x-latn", "en-CA-x-CA,en-CA-x-ca",
            "zh-yue-HK,zh-yue-HK", "zh-min-nan,zh-min-nan", "hy-Latn-IT-arevela,hy-Latn-IT-arevela",
            "sr-latn-rs-1994,sr-Latn-RS-1994", "en-a-bbb-x-a-ccc,en-a-bbb-x-a-ccc", "de-1901,de-1901",
            "es-419-x-private1,es-419-x-private1"})
    void acceptsWellFormedBcp47(String raw, String canonical) {
        assertThat(LanguageCode.isValid(raw)).isTrue();
        assertThat(LanguageCode.of(raw).value()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @CsvSource({"de-CH-1996,de", "zh-yue-HK,zh", "en-US-x-twain,en", "sl-rozaj,sl"})
    void primaryIsTheFirstSubtag(String tag, String primary) {
        assertThat(LanguageCode.of(tag).primary()).isEqualTo(primary);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-private", "i-klingon", "en-GB-oed", "de-CH-19", "en-a", "en-a-b", "en-x", "en-US-",
            "en--US", "en-x-toolongsubtag", "en-variant-toolong99", "en-US-u-ca-gregory-u", "a-DE", "abcd",
            "deutsch", "en-Latn-Latn", "en-US-DE", "en-ab-cd-ef-gh", "en-٠١٢٣"})
    void rejectsWhatIsNotAWellFormedTagWithAnIsoPrimaryLanguage(String raw) {
        assertThat(LanguageCode.isValid(raw)).isFalse();
        assertThatThrownBy(() -> LanguageCode.of(raw)).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void refusesOverlongTags() {
        String long65 = "en" + "-abcdefgh".repeat(7); // 65 characters, well-formed variants
        assertThat(long65).hasSize(65);
        assertThat(LanguageCode.isValid(long65)).isFalse();
        assertThat(LanguageCode.isValid(long65.substring(0, 56))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<script>alert(1)</script>", "english!", "en_US"})
    void theErrorNeverEchoesTheRawValue(String raw) {
        assertThatThrownBy(() -> LanguageCode.of(raw)).hasMessageContaining("not a language code")
                .hasMessageNotContaining(raw);
    }

    @ParameterizedTest
    @CsvSource({"en,EN", "pt-br,PT-BR", "zh-Hans,zh-hans", "de-ch-1996,DE-CH-1996"})
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

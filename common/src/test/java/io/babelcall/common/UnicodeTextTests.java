package io.babelcall.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.text.UnicodeText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UnicodeTextTests {

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "héllo wörld", "Xin chào", "\uD83D\uDE00 emoji", "日本語", "a\u0000b"})
    void wellFormedTextIsAcceptedAndKeptAsIs(String s) {
        assertThat(UnicodeText.isWellFormed(s)).isTrue();
        assertThat(UnicodeText.toWellFormed(s)).isSameAs(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "hello \uD800", "\uDC00 low first", "\uDE00\uD83D reversed", "end \uD83D"})
    void unpairedSurrogatesAreFound(String s) {
        assertThat(UnicodeText.isWellFormed(s)).isFalse();
        String repaired = UnicodeText.toWellFormed(s);
        assertThat(UnicodeText.isWellFormed(repaired)).isTrue();
        assertThat(repaired).hasSameSizeAs(s).contains("\uFFFD");
    }

    @Test
    void repairKeepsPairsAndReplacesOnlyTheLoneHalves() {
        assertThat(UnicodeText.toWellFormed("a\uD83D\uDE00b\uD800c\uDC00"))
                .isEqualTo("a\uD83D\uDE00b\uFFFDc\uFFFD");
        assertThat(UnicodeText.firstUnpairedSurrogate("ab\uD83D\uDE00\uDC00")).isEqualTo(4);
    }

    @Test
    void controlsAndBidiOverridesAreStrippedButLineBreaksMayStay() {
        String hostile = "pay\u0000 \u202Egnp.exe\u202C \u0085now\u0007\r\nline\ttwo \u2066x\u2069";
        assertThat(UnicodeText.stripControls(hostile, true)).isEqualTo("pay gnp.exe now\nline\ttwo x");
        assertThat(UnicodeText.stripControls(hostile, false)).isEqualTo("pay gnp.exe nowlinetwo x");
        String clean = "nothing to strip, ünïcödé \uD83D\uDE00";
        assertThat(UnicodeText.stripControls(clean, true)).isSameAs(clean);
    }

    @Test
    void printableTextAllowsLineBreaksButNoOtherControlsNorLoneSurrogates() {
        assertThat(UnicodeText.isPrintableText("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n\tx 日本 \uD83D\uDE00")).isTrue();
        for (String bad : new String[] {"a\u0000b", "bell\u0007", "del\u007F", "c1\u0085", "esc\u001B[2J",
                "lone \uD800", "\uDC00"}) {
            assertThat(UnicodeText.isPrintableText(bad)).as(bad).isFalse();
        }
    }
}

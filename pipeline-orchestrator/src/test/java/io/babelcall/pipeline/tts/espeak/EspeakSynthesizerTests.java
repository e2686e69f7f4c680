package io.babelcall.pipeline.tts.espeak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import io.babelcall.testsupport.LocalBinaries;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real espeak-ng: WAV output, duration from the header, every listed language. */
class EspeakSynthesizerTests {

    static SpeechSynthesizer espeak;

    @BeforeAll
    static void create() {
        LocalBinaries.require("espeak-ng", "espeak-ng");
        espeak = TestEngines.create(new EspeakFactory(), "espeak", Duration.ofSeconds(5), Map.of("voice.en", "en-us"));
    }

    @Test
    void speaksSpanishVietnameseAndEnglishAsValidWavLongerThanHalfASecond() {
        Map<String, String> texts = Map.of(
                "es", "La casa es grande y bonita.",
                "vi", "Xin chào, bạn có khỏe không?",
                "en", "The house is big and beautiful.");
        texts.forEach((lang, text) -> {
            SynthesizedSpeech speech = espeak.synthesize(text, LanguageCode.of(lang), null).block(Duration.ofSeconds(10));
            WavFile.Info info = WavFile.parse(speech.wav());
            System.out.printf("%s: %d bytes, %d Hz, %d ms%n", lang, speech.wav().length, info.sampleRate(),
                    speech.duration().toMillis());
            assertThat(info.channels()).isEqualTo(1);
            assertThat(info.bitsPerSample()).isEqualTo(16);
            assertThat(info.dataOffset() + info.dataLength()).isEqualTo(speech.wav().length); // sizes fixed
            assertThat(speech.duration()).isGreaterThan(Duration.ofMillis(500)).isEqualTo(info.duration());
            short[] samples = WavFile.pcm16Samples(speech.wav());
            assertThat(maxAbs(samples)).as("audible").isGreaterThan(1000);
        });
    }

    @Test
    void listsItsLanguagesAndPicksVoices() {
        assertThat(espeak.languages()).contains(LanguageCode.of("es"), LanguageCode.of("vi"), LanguageCode.of("en"),
                LanguageCode.of("ca"), LanguageCode.of("pt-BR"), LanguageCode.of("zh"));
        assertThat(espeak.languages().size()).isGreaterThan(90);
        EspeakSynthesizer s = (EspeakSynthesizer) espeak;
        assertThat(s.voiceFor(LanguageCode.of("en"))).isEqualTo("en-us"); // configured override
        assertThat(s.voiceFor(LanguageCode.of("en-GB"))).isEqualTo("en-gb");
        assertThat(s.voiceFor(LanguageCode.of("pt-BR"))).isEqualTo("pt-br");
        assertThat(s.voiceFor(LanguageCode.of("zh"))).isEqualTo("cmn");
        assertThat(s.voiceFor(LanguageCode.of("es-MX"))).isEqualTo("es-419");
    }

    @Test
    void refusesUnknownLanguagesVoicesAndEmptyText() {
        assertThatThrownBy(() -> espeak.synthesize("hello", LanguageCode.of("xx"), null).block())
                .hasMessageContaining("no voice");
        assertThatThrownBy(() -> espeak.synthesize("hello", LanguageCode.of("en"), "--help").block())
                .hasMessageContaining("unknown espeak-ng voice");
        assertThatThrownBy(() -> espeak.synthesize(" ", LanguageCode.of("en"), null).block())
                .hasMessageContaining("nothing");
        // text that looks like options is spoken, never parsed as options (it goes on stdin)
        assertThat(espeak.synthesize("--version -w /tmp/x", LanguageCode.of("en"), null).block().duration())
                .isGreaterThan(Duration.ofMillis(300));
    }

    private static int maxAbs(short[] s) {
        int m = 0;
        for (short v : s) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}

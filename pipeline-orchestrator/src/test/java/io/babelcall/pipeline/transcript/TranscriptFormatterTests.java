package io.babelcall.pipeline.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranscriptFormatterTests {

    private static final Instant T0 = Instant.parse("2025-05-01T10:00:00Z");
    private static final List<TranscriptEntry> ENTRIES = List.of(
            new TranscriptEntry("u1", "ann", "Ann", LanguageCode.of("en"), "Hello there.", T0.plusMillis(1500),
                    T0.plusMillis(3250), Map.of("es", "Hola.", "ca", "Hola allà.")),
            new TranscriptEntry("u2", "bob", "Bob <the> & Co", LanguageCode.of("es"), "¿Qué tal?", T0.plusMillis(3_723_004),
                    T0.plusMillis(3_725_120), Map.of("en", "How are you?")));

    @Test
    void webVtt() {
        assertThat(TranscriptFormatter.vtt(ENTRIES, null)).isEqualTo("""
                WEBVTT

                1
                00:00:00.000 --> 00:00:01.750
                <v Ann>Hello there.

                2
                01:02:01.504 --> 01:02:03.620
                <v Bob &lt;the&gt; &amp; Co>¿Qué tal?

                """);
    }

    @Test
    void subRipInOneLanguageFallsBackToTheOriginal() {
        assertThat(TranscriptFormatter.srt(ENTRIES, LanguageCode.of("es"))).isEqualTo("""
                1
                00:00:00,000 --> 00:00:01,750
                Ann: Hola.

                2
                01:02:01,504 --> 01:02:03,620
                Bob <the> & Co: ¿Qué tal?

                """);
        assertThat(TranscriptFormatter.srt(ENTRIES, LanguageCode.of("en"))).contains("Ann: Hello there.")
                .contains("Bob <the> & Co: How are you?");
        assertThat(TranscriptFormatter.srt(ENTRIES, LanguageCode.of("vi"))).contains("Ann: Hello there.");
    }

    @Test
    void jsonAlignsOriginalsAndTranslations() {
        TranscriptFormatter.Export all = TranscriptFormatter.json("r1", ENTRIES, null);
        assertThat(all.utterances()).hasSize(2);
        assertThat(all.utterances().get(0).translations()).containsOnlyKeys("es", "ca");
        assertThat(all.utterances().get(0).caption()).isNull();
        assertThat(all.utterances().get(1).startMs()).isEqualTo(3_721_504);
        assertThat(all.utterances().get(1).endMs()).isEqualTo(3_723_620);

        TranscriptFormatter.Export ca = TranscriptFormatter.json("r1", ENTRIES, LanguageCode.of("ca"));
        assertThat(ca.utterances().get(0).translations()).containsOnlyKeys("ca");
        assertThat(ca.utterances().get(0).caption()).isEqualTo("Hola allà.");
        assertThat(ca.utterances().get(0).translated()).isTrue();
        assertThat(ca.utterances().get(1).caption()).isEqualTo("¿Qué tal?");
        assertThat(ca.utterances().get(1).translated()).isFalse();
    }

    @Test
    void timestampsHaveFixedWidthAndTheirSeparator() {
        assertThat(TranscriptFormatter.timestamp(0, '.')).isEqualTo("00:00:00.000");
        assertThat(TranscriptFormatter.timestamp(59_999, ',')).isEqualTo("00:00:59,999");
        assertThat(TranscriptFormatter.timestamp(100L * 3_600_000 + 1, '.')).isEqualTo("100:00:00.001");
        assertThat(TranscriptFormatter.vtt(List.of(), null)).isEqualTo("WEBVTT\n\n");
    }

    /** Two speakers overlapping: the stream holds finals in the order they came, not the order speech began. */
    private static final List<TranscriptEntry> OVERLAPPING = List.of(
            new TranscriptEntry("u1", "ann", "Ann --> & <Co>", LanguageCode.of("en"), "Short one.", T0.plusMillis(2000),
                    T0.plusMillis(3000), Map.of("es", "Una corta.")),
            new TranscriptEntry("u2", "bob", "Bob", LanguageCode.of("en"), "A long sentence\nthat began first.",
                    T0.plusMillis(500), T0.plusMillis(4200), Map.of()),
            new TranscriptEntry("u3", "cy", "Cy", LanguageCode.of("en"), "Same start as Ann, ended sooner.",
                    T0.plusMillis(2000), T0.plusMillis(2600), Map.of()),
            new TranscriptEntry("u4", "ann", "Ann --> & <Co>", LanguageCode.of("en"), "x", T0.plusMillis(4200),
                    T0.plusMillis(4200), Map.of()));

    @Test
    void overlappingSpeakersGiveAValidWebVttInStartOrder() {
        String vtt = TranscriptFormatter.vtt(OVERLAPPING, null);
        assertThat(WebVttValidator.violations(vtt)).isEmpty();
        assertThat(vtt.indexOf("began first")).isLessThan(vtt.indexOf("ended sooner"));
        assertThat(vtt.indexOf("ended sooner")).isLessThan(vtt.indexOf("Short one"));
        assertThat(WebVttValidator.violations(TranscriptFormatter.vtt(OVERLAPPING, LanguageCode.of("es")))).isEmpty();
    }

    @Test
    void everyFormatIsInStartOrder() {
        assertThat(TranscriptFormatter.json("r1", OVERLAPPING, null).utterances())
                .extracting(TranscriptFormatter.Item::utteranceId).containsExactly("u2", "u3", "u1", "u4");
        String srt = TranscriptFormatter.srt(OVERLAPPING, null);
        assertThat(srt).startsWith("1\n00:00:00,000 --> 00:00:03,700\nBob: A long sentence that began first.");
        assertThat(srt.indexOf("ended sooner")).isLessThan(srt.indexOf("Short one"));
    }

    @Test
    void theValidatorFindsWhatPlayersRefuse() {
        assertThat(WebVttValidator.violations("""
                WEBVTT

                1
                00:00:02.000 --> 00:00:03.000
                <v Ann>later

                2
                00:00:01.000 --> 00:00:01.000
                <v Bob>a < b & --> c

                """)).hasSize(4);
        assertThat(WebVttValidator.violations("WEBVT\n\n")).hasSize(1);
    }
}

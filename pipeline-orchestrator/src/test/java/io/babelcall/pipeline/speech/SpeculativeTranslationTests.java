package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Translation;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Translations of speculative finals (babelcall.pipeline.speculative-translation), with in-process fake engines that
 * speculate and real Redis: which final uses them, and what a failing translator is spared.
 */
class SpeculativeTranslationTests extends PipelineTestBase {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String SPECULATIVE = "babelcall.pipeline.speculative.translations";

    /** Ann speaks English, her speculative finals on, to Bea who reads Spanish; Ann's stream token. */
    private String speakerWithASpanishListener(String room, String... sentences) {
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        engines.recognizer.speculate(true);
        engines.recognizer.script("ann", sentences);
        return speaker;
    }

    /**
     * A speculative final is translated while the endpoint still waits. The final that says the same is published with
     * that translation (no second call); a final that says something else is translated itself and never shown with
     * the speculative one.
     */
    @Test
    void aSpeculativeFinalsTranslationServesOnlyAFinalThatSaysTheSame() throws Exception {
        String room = rooms.newRoom();
        String speaker = speakerWithASpanishListener(room, "the same words", "other words");
        engines.recognizer.tentative("ann", "the same words");
        engines.recognizer.tentative("ann", "not what was said");
        double started = counter("started");
        double used = counter("used");
        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(Audio.concat(utterance(16000), utterance(16000)), 16000, 20, 1.5);
            events.await(Translation.class, t -> t.text().contains("Other words"), WAIT);
            c.stop();
            events.awaitSettled(Duration.ofMillis(200), WAIT);

            assertThat(events.of(Translation.class)).extracting(Translation::text)
                    .containsExactly("[es] The same words.", "[es] Other words.");
            // the first speculation served its final; the second was spent, and the second final was translated
            assertThat(engines.translator.calls("es")).isEqualTo(3);
            assertThat(counter("started") - started).isEqualTo(2);
            assertThat(counter("used") - used).isEqualTo(1);
        }
    }

    /**
     * A failing translator is asked once per final even when a speculative final was translated (that call was the
     * final's), and is not speculated on again until a translation works: a failing engine gets no extra calls (they
     * would open its circuit breaker and keep it open past its recovery).
     */
    @Test
    void aFailingTranslatorIsAskedOncePerFinalAndNotSpeculatedOnUntilItWorksAgain() throws Exception {
        String room = rooms.newRoom();
        String speaker = speakerWithASpanishListener(room, "first failure", "second failure", "works again",
                "speculated again");
        engines.translator.fail("es", true);
        double used = counter("used");
        try (EventCollector events = events(room); AudioClient c = AudioClient.connect(port, speaker).start(16000)) {
            c.stream(Audio.concat(utterance(16000), utterance(16000)), 16000, 20, 1.5);
            String second = events.finals(2, WAIT).get(1).utteranceId();
            events.await(CaptionStatus.class, s -> CaptionStatus.UNTRANSLATED.equals(s.state())
                    && second.equals(s.utteranceId()), WAIT);
            // the first final used its speculation's (failed) call; the second was not speculated on
            assertThat(engines.translator.calls("es")).isEqualTo(2);

            engines.translator.fail("es", false);
            c.stream(utterance(16000), 16000, 20, 1.5);
            events.await(Translation.class, t -> t.text().contains("Works again"), WAIT);
            assertThat(engines.translator.calls("es")).isEqualTo(3); // still not speculated on: its own call
            c.stream(utterance(16000), 16000, 20, 1.5);
            events.await(Translation.class, t -> t.text().contains("Speculated again"), WAIT);
            assertThat(engines.translator.calls("es")).isEqualTo(4);
            assertThat(counter("used") - used).isEqualTo(2);
        }
    }

    private double counter(String outcome) {
        var c = meters.find(SPECULATIVE).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}

package io.babelcall.pipeline.stt.pocketsphinx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real pocketsphinx (libpocketsphinx3 + Debian en-US model) on English speech made with flite at test time. */
class PocketsphinxRecognizerTests {

    static SpeechRecognizer recognizer;
    @TempDir
    static Path dir;

    @BeforeAll
    static void create() {
        // A long time limit: these tests feed seconds of audio at once, which a short one would shed as overload.
        recognizer = TestEngines.create(new PocketsphinxFactory(), "sphinx", Duration.ofSeconds(60), Map.of(
                "max-decoders", "1", "min-idle", "1", "decode-threads", "1", "max-backlog", "60s"));
    }

    @AfterAll
    static void close() throws Exception {
        ((AutoCloseable) recognizer).close();
    }

    /**
     * A speaker's first utterance also calibrates the per-speaker cepstral mean (see docs/engines.md), so WER is
     * measured over the utterances after it; the first one is printed too.
     */
    @Test
    void recognisesFliteSentencesWithinFifteenPercentWerAndLowLatency() throws Exception {
        Collector results = new Collector();
        List<String> sentences = TestSpeech.pick(4);
        int errors = 0;
        int words = 0;
        try (RecognitionSession session = recognizer.open(request(), results)) {
            for (String sentence : sentences) {
                short[] audio = TestSpeech.concat(TestSpeech.silence(200), TestSpeech.speak(sentence, dir),
                        TestSpeech.silence(200));
                feed(session, audio);
                int before = results.finals.size();
                awaitDecoded();
                long endOfSpeech = System.nanoTime();
                session.endUtterance();
                await().atMost(Duration.ofSeconds(10)).until(() -> results.finals.size() > before);
                long latencyMs = (results.finalAt.get(before) - endOfSpeech) / 1_000_000;
                String hyp = results.finals.get(before);
                System.out.printf("ref: %s%nhyp: %s%nWER %.3f, endUtterance -> final %d ms%n", sentence, hyp,
                        TestSpeech.wer(sentence, hyp), latencyMs);
                if (!sentence.equals(sentences.get(0))) {
                    errors += TestSpeech.errors(sentence, hyp);
                    words += TestSpeech.words(sentence).length;
                }
            }
        }
        double wer = (double) errors / words;
        System.out.printf("WER over %d words: %.3f%n", words, wer);
        assertThat(results.errors).isEmpty();
        assertThat(results.finals).hasSize(4);
        assertThat(wer).isLessThanOrEqualTo(0.15);
    }

    @Test
    void givesInterimsWhileALongUtteranceIsFedAndOneFinalPerUtterance() throws Exception {
        Collector results = new Collector();
        short[] speech = TestSpeech.concat(TestSpeech.speak(TestSpeech.SENTENCES.get(0), dir),
                TestSpeech.speak(TestSpeech.SENTENCES.get(7), dir));
        try (RecognitionSession session = recognizer.open(request(), results)) {
            feed(session, speech);
            session.endUtterance();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.finals.size() == 1);
            session.endUtterance(); // an utterance without audio still gets exactly one (empty) final
            await().atMost(Duration.ofSeconds(5)).until(() -> results.finals.size() == 2);
        }
        double seconds = speech.length / 16000.0;
        System.out.printf("%.1f s of speech: %d interims: %s%n", seconds, results.interims.size(), results.interims);
        // interim-interval 300 ms of audio: at least one per 500 ms of speech (the first needs a word to exist)
        assertThat(results.interims.size()).isGreaterThanOrEqualTo((int) (seconds / 0.5) - 1);
        assertThat(results.interims.get(results.interims.size() - 1).split(" ").length)
                .isGreaterThan(results.interims.get(0).split(" ").length);
        assertThat(results.finals.get(0)).contains("weather").contains("beach");
        assertThat(results.finals.get(1)).isEmpty();
        assertThat(results.errors).isEmpty();
    }

    @Test
    void aFailedUtteranceReportsOnErrorAndTheNextUtteranceWorks() throws Exception {
        // max-decoders is 1: while stream A holds the decoder, stream B waits decoder-wait (3 s) for one, then onError.
        Collector a = new Collector();
        Collector b = new Collector();
        short[] speech = TestSpeech.speak(TestSpeech.SENTENCES.get(6), dir);
        try (RecognitionSession sa = recognizer.open(request(), a); RecognitionSession sb = recognizer.open(request(), b)) {
            feed(sa, speech);
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.interims.isEmpty()); // A holds the decoder
            feed(sb, speech);
            sb.endUtterance();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.errors.size() == 1);
            assertThat(b.errors.get(0)).isInstanceOf(EngineRejectedException.class);
            assertThat(b.finals).isEmpty();

            sa.endUtterance();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.finals.size() == 1);
            feed(sb, speech);
            sb.endUtterance();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.finals.size() == 1);
        }
        assertThat(TestSpeech.wer(TestSpeech.SENTENCES.get(6), b.finals.get(0))).isLessThanOrEqualTo(0.25);
        assertThat(b.errors).hasSize(1);
        assertThat(a.errors).isEmpty();
    }

    /**
     * At a pause the final is worked out ahead of the endpoint; if the speaker stops there, {@code endUtterance} gives
     * exactly that text; if the speaker goes on, what follows the pause is part of the same final.
     */
    @Test
    void aSpeculativeFinalAtAPauseIsTheFinalAndSpeechAfterThePauseIsNotLost() throws Exception {
        List<String> two = TestSpeech.pick(2);
        short[] first = TestSpeech.concat(TestSpeech.silence(200), TestSpeech.speak(two.get(0), dir));
        short[] second = TestSpeech.concat(TestSpeech.speak(two.get(1), dir), TestSpeech.silence(200));
        Collector results = new Collector();
        try (RecognitionSession session = recognizer.open(request(), results)) {
            feed(session, first); // calibrates the speaker's cepstral mean
            session.endUtterance();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.finals.size() == 1);

            // the speaker stops: the tentative final is the final, given at once at the endpoint
            feed(session, TestSpeech.concat(first, TestSpeech.silence(100)));
            awaitDecoded(); // in real time, decoding keeps up with the audio (a stream behind it does not speculate)
            session.speechPaused();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.tentatives.size() == 1);
            feed(session, TestSpeech.silence(200)); // the rest of the hangover, not decoded
            awaitDecoded();
            long end = System.nanoTime();
            session.endUtterance();
            await().atMost(Duration.ofSeconds(5)).until(() -> results.finals.size() == 2);
            System.out.printf("tentative \"%s\", final \"%s\" %d ms after endUtterance%n", results.tentatives.get(0),
                    results.finals.get(1), (results.finalAt.get(1) - end) / 1_000_000);
            assertThat(results.finals.get(1)).isEqualTo(results.tentatives.get(0));
            assertThat(TestSpeech.wer(two.get(0), results.finals.get(1))).isLessThanOrEqualTo(0.25);

            // the speaker pauses, then goes on: both parts are in the one final
            feed(session, TestSpeech.concat(first, TestSpeech.silence(120)));
            awaitDecoded();
            session.speechPaused();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.tentatives.size() == 2);
            session.accept(second, 0, 320); // the first voiced frame reaches the session before the resume
            session.speechResumed();
            feed(session, java.util.Arrays.copyOfRange(second, 320, second.length));
            session.endUtterance();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.finals.size() == 3);

            // a stream whose decoding is behind its audio (seconds queued) does not speculate: the machine is busy
            feed(session, TestSpeech.concat(first, TestSpeech.silence(100)));
            session.speechPaused();
            session.endUtterance();
            await().atMost(Duration.ofSeconds(15)).until(() -> results.finals.size() == 4);
            assertThat(results.tentatives).hasSize(2);
        }
        String both = two.get(0) + " " + two.get(1);
        System.out.printf("paused and went on: \"%s\" (tentative at the pause \"%s\")%n", results.finals.get(2),
                results.tentatives.get(1));
        assertThat(TestSpeech.wer(both, results.finals.get(2))).isLessThanOrEqualTo(0.25);
        assertThat(results.errors).isEmpty();
    }

    @Test
    void refusesAudioAtAnotherSampleRate() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> recognizer.open(
                        new RecognitionRequest("r", "s", LanguageCode.of("en"), 48000), new Collector()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16000");
    }

    private static RecognitionRequest request() {
        return new RecognitionRequest("room", "speaker", LanguageCode.of("en"), 16000);
    }

    /** 20 ms frames, as fast as the caller can (the recognizer queues and decodes behind). */
    static void feed(RecognitionSession session, short[] audio) {
        for (int i = 0; i < audio.length; i += 320) {
            session.accept(audio, i, Math.min(320, audio.length - i));
        }
    }

    /** Waits until the decoder has caught up with the audio fed (so the measured latency is the end-of-speech one). */
    private static void awaitDecoded() {
        PocketsphinxRecognizer r = (PocketsphinxRecognizer) recognizer;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(r::idleWork);
    }

    static final class Collector implements RecognitionListener {
        final List<String> interims = new CopyOnWriteArrayList<>();
        final List<String> finals = new CopyOnWriteArrayList<>();
        final List<String> tentatives = new CopyOnWriteArrayList<>();
        final List<Long> finalAt = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onInterim(String text) {
            interims.add(text);
        }

        @Override
        public void onTentativeFinal(String text) {
            tentatives.add(text);
        }

        @Override
        public void onFinal(String text) {
            finalAt.add(System.nanoTime());
            finals.add(text);
        }

        @Override
        public void onError(Throwable error) {
            errors.add(error);
        }
    }
}

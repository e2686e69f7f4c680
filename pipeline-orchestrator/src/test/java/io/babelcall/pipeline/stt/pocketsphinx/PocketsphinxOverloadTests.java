package io.babelcall.pipeline.stt.pocketsphinx;

import static io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxRecognizerTests.feed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.registry.DefaultEngineRouter;
import io.babelcall.pipeline.engine.registry.EngineKind;
import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real pocketsphinx under overload: a dropped utterance does not poison the decoder it leaves behind, a stream waits
 * for a decoder that is being made, one room cannot take every decoder, and overload never opens the breaker.
 */
class PocketsphinxOverloadTests {

    static final LanguageCode EN = LanguageCode.of("en");
    /** The instance time limit: generous, so a slow shared machine never sheds an utterance in these tests. */
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    static Path dir;
    static short[] sentence;
    static short[] longSpeech;

    @BeforeAll
    static void speech() throws Exception {
        sentence = TestSpeech.speak(TestSpeech.SENTENCES.get(2), dir); // ~2 s: "please call me back ..."
        longSpeech = TestSpeech.concat(sentence, sentence, sentence);
    }

    /**
     * Before the fix, an utterance dropped for backlog went back to the pool still inside {@code ps_start_utt}, and the
     * next utterance on that decoder failed with "ps_start_utt failed (-1)".
     */
    @Test
    void anUtteranceDroppedForBacklogLeavesADecoderTheNextUtteranceCanUse() throws Exception {
        SpeechRecognizer r = TestEngines.create(new PocketsphinxFactory(), "sphinx", LIMIT, Map.of(
                "max-decoders", "1", "min-idle", "1", "decode-threads", "1", "max-backlog", "3s"));
        try (AutoCloseable closing = (AutoCloseable) r) {
            Recording results = new Recording();
            try (RecognitionSession s = r.open(request("room"), results)) {
                feed(s, sentence);
                await().atMost(WAIT).until(((PocketsphinxRecognizer) r)::idleWork); // the decoder is in the utterance
                feed(s, longSpeech); // ~6 s at once: more than max-backlog queued
                s.endUtterance();
                assertThat(result(results, 1)).isInstanceOf(EngineRejectedException.class);
                feed(s, sentence);
                s.endUtterance();
                Object second = result(results, 2);
                assertThat(second).as("the next utterance on the same decoder").isInstanceOf(String.class);
                assertThat(TestSpeech.wer(TestSpeech.SENTENCES.get(2), (String) second)).isLessThanOrEqualTo(0.25);
            }
        }
    }

    /** Before the fix, a stream asking while the pool was making its next decoder was refused ("all busy"). */
    @Test
    void aStreamWaitsForTheDecoderBeingMadeInsteadOfBeingRefused() throws Exception {
        SpeechRecognizer r = TestEngines.create(new PocketsphinxFactory(), "sphinx", LIMIT, Map.of(
                "max-decoders", "2", "min-idle", "1", "max-decoders-per-room", "2", "decoder-wait", "20s",
                "decode-threads", "2"));
        try (AutoCloseable closing = (AutoCloseable) r) {
            await().atMost(WAIT).until(() -> health(r, "idleDecoders").equals(1));
            Recording a = new Recording();
            Recording b = new Recording();
            try (RecognitionSession sa = r.open(request("room"), a); RecognitionSession sb = r.open(request("room"), b)) {
                feed(sa, sentence); // takes the idle decoder; the pool starts making the second one
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                        .until(() -> health(r, "idleDecoders").equals(0));
                feed(sb, sentence); // asks while the second decoder is being made
                sa.endUtterance();
                sb.endUtterance();
                assertThat(result(a, 1)).isInstanceOf(String.class);
                assertThat(result(b, 1)).as("the second stream's utterance").isInstanceOf(String.class);
                assertThat(TestSpeech.wer(TestSpeech.SENTENCES.get(2), (String) b.results.get(0)))
                        .isLessThanOrEqualTo(0.25);
            }
        }
    }

    /** Before the fix, the second stream of room A took the last decoder and room B's speaker was refused. */
    @Test
    void oneRoomCannotTakeEveryDecoder() throws Exception {
        SpeechRecognizer r = TestEngines.create(new PocketsphinxFactory(), "sphinx", LIMIT, Map.of(
                "max-decoders", "2", "min-idle", "2", "decoder-wait", "300ms", "decode-threads", "2"));
        try (AutoCloseable closing = (AutoCloseable) r) {
            await().atMost(WAIT).until(() -> health(r, "idleDecoders").equals(2));
            Recording a1 = new Recording();
            Recording a2 = new Recording();
            Recording b = new Recording();
            try (RecognitionSession sa1 = r.open(request("A"), a1); RecognitionSession sa2 = r.open(request("A"), a2);
                 RecognitionSession sb = r.open(request("B"), b)) {
                feed(sa1, sentence);
                await().atMost(WAIT).until(() -> !a1.interims.isEmpty()); // room A holds one
                feed(sa2, sentence); // room A's second speaker: at its room's limit (max-decoders - 1 = 1)
                feed(sb, sentence);
                sb.endUtterance();
                sa2.endUtterance();
                assertThat(result(b, 1)).as("room B's speaker").isInstanceOf(String.class);
                assertThat(result(a2, 1)).isInstanceOf(EngineRejectedException.class).asString()
                        .contains("this room already uses 1");
                sa1.endUtterance();
                assertThat(result(a1, 1)).isInstanceOf(String.class);
            }
        }
    }

    /** Before the fix, every refused utterance counted as a failure and opened the breaker for everyone. */
    @Test
    void refusedUtterancesNeverOpenTheBreaker() {
        try (Guarded g = new Guarded(LIMIT, Map.of("max-decoders", "1", "min-idle", "1", "decoder-wait", "100ms",
                "decode-threads", "2"))) {
            Recording holder = new Recording();
            Recording other = new Recording();
            try (RecognitionSession h = g.stt.open(request("A"), holder);
                 RecognitionSession o = g.stt.open(request("B"), other)) {
                feed(h, sentence);
                await().atMost(WAIT).until(() -> !holder.interims.isEmpty()); // holds the only decoder
                for (int i = 1; i <= 5; i++) {
                    feed(o, sentence);
                    o.endUtterance();
                    assertThat(result(other, i)).isInstanceOf(EngineRejectedException.class);
                }
                g.assertBreakerClosedWithoutFailures();
                h.endUtterance();
                assertThat(result(holder, 1)).isInstanceOf(String.class);
                feed(o, sentence);
                o.endUtterance();
                assertThat(result(other, 6)).isInstanceOf(String.class);
                g.assertBreakerClosedWithoutFailures();
            }
            assertThat(g.meters.get(EngineMetrics.CALL).tag("outcome", "rejected").timer().count()).isEqualTo(5);
        }
    }

    /**
     * A stream far behind its own audio (about a minute sent at once) gives its utterance up before the time limit:
     * before the fix each such utterance timed out, which counted against the breaker. The flood is long enough that
     * no machine decodes it within the 3 s limit (a quiet fast one decoded 20 s of it in time).
     */
    @Test
    void aStreamFarBehindItsOwnAudioIsShedNotTimedOut() {
        try (Guarded g = new Guarded(Duration.ofSeconds(4), Map.of("max-decoders", "2", "min-idle", "2",
                "decode-threads", "1", "max-backlog", "300s"))) {
            short[] flood = TestSpeech.concat(longSpeech, longSpeech, longSpeech, longSpeech, longSpeech, longSpeech,
                    longSpeech, longSpeech, longSpeech);
            Recording results = new Recording();
            try (RecognitionSession s = g.stt.open(request("A"), results)) {
                for (int i = 1; i <= 3; i++) {
                    feed(s, flood);
                    s.endUtterance();
                    assertThat(result(results, i)).isInstanceOf(EngineRejectedException.class).asString()
                            .contains("final not reached within 3000 ms");
                }
                g.assertBreakerClosedWithoutFailures();
                await().atMost(WAIT).until(((PocketsphinxRecognizer) g.raw)::idleWork);
                feed(s, sentence);
                s.endUtterance();
                assertThat(result(results, 4)).isInstanceOf(String.class);
            }
        }
    }

    /** pocketsphinx behind the router's wrappers: time limit, metrics, circuit breaker and bulkhead. */
    static final class Guarded implements AutoCloseable {
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final EngineResilience resilience = new EngineResilience(meters);
        final EngineRegistry registry;
        final SpeechRecognizer stt;
        final SpeechRecognizer raw;

        Guarded(Duration limit, Map<String, String> options) {
            EnginesProperties.Instance sphinx = new EnginesProperties.Instance("pocketsphinx", true, false, limit,
                    options, Map.of("sliding-window-size", "4", "minimum-number-of-calls", "2"));
            registry = EngineRegistry.create(new EnginesProperties(Map.of("sphinx", sphinx),
                    new EnginesProperties.Routes(List.of(new EnginesProperties.LanguageRoute(List.of("en"), "sphinx")),
                            List.of(), List.of()),
                    new EnginesProperties.Timeouts(limit, Duration.ofSeconds(2), Duration.ofSeconds(5)),
                    new EnginesProperties.Cache(false, Duration.ofDays(1), Duration.ofDays(1), Duration.ofMillis(200)),
                    new EnginesProperties.Resilience(Map.of(), Map.of(), Map.of()),
                    new EnginesProperties.Http(8, Duration.ofSeconds(2), Duration.ofSeconds(30))),
                    List.of(new PocketsphinxFactory()));
            stt = new DefaultEngineRouter(registry, new EngineMetrics(meters), null, resilience)
                    .recognizerFor(EN).orElseThrow();
            raw = registry.engine("sphinx", EngineKind.STT).orElseThrow();
            int warm = Integer.parseInt(options.get("min-idle"));
            await().atMost(WAIT).until(() -> health(raw, "idleDecoders").equals(warm));
        }

        void assertBreakerClosedWithoutFailures() {
            CircuitBreaker breaker = resilience.breaker("sphinx").orElseThrow();
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
        }

        @Override
        public void close() {
            registry.close();
        }
    }

    /** The n-th result (1-based) of a stream: a final's text or an error. */
    private static Object result(Recording r, int n) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> r.results.size() >= n);
        return r.results.get(n - 1);
    }

    private static Object health(SpeechRecognizer r, String key) {
        return ((EngineHealth) r).health().block().details().get(key);
    }

    private static RecognitionRequest request(String room) {
        return new RecognitionRequest(room, "speaker", EN, 16000);
    }
}

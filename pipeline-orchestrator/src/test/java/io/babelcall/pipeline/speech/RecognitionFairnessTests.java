package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Transcript;
import io.babelcall.pipeline.audio.Endpointer;
import io.babelcall.pipeline.audio.VadProperties;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.engine.registry.EngineKind;
import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.LiveServerTestBase;
import io.babelcall.pipeline.support.Rooms;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * No room can starve the others of recognition, on the real engines through the real audio socket: four speakers of
 * room A stream continuous flite speech faster than real time (two just under the rate limit, all the time; two at 2.5x,
 * closed with too_fast and reconnecting) while a speaker of room B talks in real time, first sentences with pauses,
 * then 33 s without a pause. Room B gets every final, the non-stop speech is cut into finals while it goes on, and the
 * engine's circuit breaker stays closed. The time limits are relaxed so a loaded test machine cannot fail it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + Rooms.SECRET,
        "babelcall.pipeline.interim-translation-interval=0s",
        "babelcall.engines.instances.apertium.options.preload=false",
        "babelcall.engines.timeouts.stt=20s",
        "babelcall.pipeline.recognition-timeout=30s"
})
class RecognitionFairnessTests extends LiveServerTestBase {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    EngineResilience resilience;
    @Autowired
    EngineRegistry registry;

    /** One speaker of room A: streams {@code speech} in a loop at {@code speed} x real time, reconnecting when closed. */
    final class Flooder implements Runnable {
        final String token;
        final short[] speech;
        final double speed;
        final List<Integer> closedBy = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        volatile boolean stop;

        Flooder(String token, short[] speech, double speed) {
            this.token = token;
            this.speech = speech;
            this.speed = speed;
        }

        @Override
        public void run() {
            while (!stop) {
                try (AudioClient c = AudioClient.connect(port, token).start(16000)) {
                    while (!stop && c.isOpen()) {
                        c.stream(speech, 16000, 20, speed);
                    }
                    if (!stop) {
                        recordClose(c);
                    }
                } catch (RuntimeException | InterruptedException e) {
                    // a frame sent as the server closed (broken pipe): the error frame it sent first tells why
                }
                if (!stop) {
                    try {
                        TimeUnit.MILLISECONDS.sleep(200); // a (much) more eager client than the web client
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private void recordClose(AudioClient c) {
            try {
                closedBy.add(c.closeCode.get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                closedBy.add(-1); // the connection broke while a frame was being sent
            }
            errors.addAll(c.texts);
        }
    }

    @Test
    void fourFloodingSpeakersInOneRoomDoNotStarveARealTimeSpeakerInAnother() throws Exception {
        Path dir = Files.createTempDirectory("fairness");
        List<short[]> sentences = new ArrayList<>();
        for (String s : TestSpeech.SENTENCES) {
            sentences.add(trim(Audio.flite(s, dir)));
        }
        short[] continuous = Audio.concat(sentences.toArray(short[][]::new));
        short[] nonStop = Audio.concat(continuous, sentences.get(5), sentences.get(3), sentences.get(0),
                sentences.get(6), sentences.get(1));
        assertThat(nonStop.length / 16000.0).isGreaterThan(30);
        assertNoPauseForTheVad(nonStop);

        Rooms rooms = newRooms();
        String roomA = rooms.newRoom();
        String roomB = rooms.newRoom();
        List<Flooder> flooders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String token = rooms.join(roomA, "a" + i, "A" + i, "en", "en", false);
            flooders.add(new Flooder(token, continuous, i < 2 ? 1.04 : 2.5));
        }
        String bea = rooms.join(roomB, "bea", "Bea", "en", "en", false);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try (EventCollector events = events(roomB)) {
            flooders.forEach(threads::execute);
            // room A is speaking on its decoders and the pool has made the rest
            await().atMost(WAIT).until(() -> flooders.stream().skip(2).allMatch(f -> !f.closedBy.isEmpty())
                    && health("decoders").equals(4));

            try (AudioClient b = AudioClient.connect(port, bea).start(16000)) {
                String[] spoken = {TestSpeech.SENTENCES.get(1), TestSpeech.SENTENCES.get(4), TestSpeech.SENTENCES.get(7)};
                b.stream(Audio.concat(Audio.silence(16000, 0.5), sentences.get(1), Audio.silence(16000, 1.2),
                        sentences.get(4), Audio.silence(16000, 1.2), sentences.get(7), Audio.silence(16000, 1.2)),
                        16000, 20, 1.0);
                List<Transcript> finals = events.finals(3, WAIT);
                StringBuilder said = new StringBuilder();
                for (int i = 0; i < 3; i++) {
                    System.out.printf("room B final %d: %s%n", i + 1, finals.get(i).text());
                    said.append(finals.get(i).text()).append(' ');
                }
                assertThat(TestSpeech.wer(String.join(" ", spoken), said.toString())).isLessThanOrEqualTo(0.25);

                // 33 s without a pause: cut at max-utterance (15 s), so finals come while the speaker goes on
                b.stream(nonStop, 16000, 20, 1.0);
                int whileSpeaking = events.of(Transcript.class).stream().filter(Transcript::isFinal).toList().size() - 3;
                b.stream(Audio.silence(16000, 1.2), 16000, 20, 1.0);
                List<Transcript> all = events.finals(6, WAIT);
                System.out.printf("non-stop speech: %d final(s) while speaking, then %s%n", whileSpeaking,
                        all.subList(3, all.size()).stream().map(t -> t.text().split(" ").length + " words").toList());
                assertThat(whileSpeaking).isGreaterThanOrEqualTo(1);
                assertThat(all.subList(3, 5)).allSatisfy(t -> assertThat(t.text().split(" ").length)
                        .isGreaterThan(20)); // each cut is ~15 s of speech
                assertThat(b.isOpen()).isTrue();
            }
            assertThat(events.of(CaptionStatus.class)).as("room B's recognition never failed")
                    .noneMatch(s -> CaptionStatus.ASR_UNAVAILABLE.equals(s.state()));
        } finally {
            flooders.forEach(f -> f.stop = true);
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        for (Flooder f : flooders.subList(2, 4)) {
            assertThat(f.closedBy).as("2.5x speakers are closed for being too fast").isNotEmpty()
                    .allMatch(code -> code == 1008 || code == -1);
            assertThat(f.errors).as("the error frames before the closes").isNotEmpty().allSatisfy(e -> assertThat(e).contains("\"code\":\"too_fast\""));
        }
        for (Flooder f : flooders.subList(0, 2)) {
            assertThat(f.closedBy).as("1.04x speakers stay within the limit").isEmpty();
        }
        assertThat(resilience.breaker("sphinx").orElseThrow().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    private Object health(String key) {
        return ((EngineHealth) registry.engine("sphinx", EngineKind.STT).orElseThrow()).health().block().details().get(key);
    }

    /** Cuts the quiet before and after flite's speech, so sentences follow each other without a pause. */
    private static short[] trim(short[] s) {
        int from = 0;
        int to = s.length;
        while (from < to && Math.abs(s[from]) < 300) {
            from++;
        }
        while (to > from && Math.abs(s[to - 1]) < 300) {
            to--;
        }
        return java.util.Arrays.copyOfRange(s, from, to);
    }

    /** The test speech really has no pause: the detector alone ends its utterances only by the forced cut. */
    private static void assertNoPauseForTheVad(short[] speech) {
        List<Endpointer.EndReason> ends = new ArrayList<>();
        Endpointer vad = new Endpointer(VadProperties.defaults(), new Endpointer.Listener() {
            @Override
            public void onSpeechStart(long firstSample) {
            }

            @Override
            public void onSpeechAudio(short[] samples, int offset, int length) {
            }

            @Override
            public void onSpeechEnd(Endpointer.EndReason reason, long lastVoicedSample) {
                ends.add(reason);
            }
        });
        vad.accept(speech, 0, speech.length);
        assertThat(ends).containsOnly(Endpointer.EndReason.FORCED).hasSize(2);
    }
}

package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * N speakers saying sentences in real time through the audio WebSocket, as browsers stream them, with one Spanish
 * listener per room: either every speaker in a room of their own, or all of them in one room. What every listener
 * received is then read back: end of speech -> final translation published, first interims, finals per sentence and
 * the caption statuses that were not "ok".
 */
final class SpeakerRun {

    enum Layout { ROOM_EACH, ONE_ROOM }

    /**
     * @param latencies     end of speech -> final {@code es} translation published, ms
     * @param degraded      caption statuses other than ok
     * @param statesSeen    those statuses by state and reason
     * @param firstInterims speech onset (the first 10 ms at the VAD's floor) -> first interim published, ms
     * @param firstInterimsFromPeak the same from the first sample over that floor (rounds 1-12), ms
     * @param extraFinals   finals beyond one per sentence spoken (a sentence cut by the endpoint)
     * @param missingFinals sentences spoken without a final (lost)
     * @param wordErrors    word errors of the finals against the sentences spoken (each speaker's finals and sentences
     *                      joined, so a split sentence is scored as one)
     * @param words         words spoken
     */
    record Result(List<Double> latencies, int degraded, Map<String, Integer> statesSeen, double seconds,
                  InterimStability interims, List<Double> firstInterims, List<Double> firstInterimsFromPeak,
                  int sentences, int extraFinals, int missingFinals, int wordErrors, int words) {
    }

    private SpeakerRun() {
    }

    /** {@code n} speakers, each saying {@code each} sentences in real time, staggered so they do not start in lockstep. */
    static Result run(PipelineBenchmark.Env env, List<Sentence> speech, int n, int each, Layout layout)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<EventCollector> collectors = new ArrayList<>();
        List<String> speakerIds = new ArrayList<>();
        List<Integer> collectorOf = new ArrayList<>();
        List<Future<?>> runs = new ArrayList<>();
        List<List<Instant>> onsets = new ArrayList<>();
        List<List<Instant>> peakOnsets = new ArrayList<>();
        String shared = null;
        long t0 = System.nanoTime();
        for (int s = 0; s < n; s++) {
            List<Instant> speakerOnsets = new CopyOnWriteArrayList<>();
            onsets.add(speakerOnsets);
            List<Instant> speakerPeakOnsets = new CopyOnWriteArrayList<>();
            peakOnsets.add(speakerPeakOnsets);
            String id = "spk" + s;
            speakerIds.add(id);
            String room;
            if (layout == Layout.ONE_ROOM && shared != null) {
                room = shared;
            } else {
                room = env.rooms.newRoom();
                env.rooms.join(room, "lis", "Listener", "es", "es", false);
                collectors.add(new EventCollector(env.container, env.json, room));
                shared = room;
            }
            collectorOf.add(collectors.size() - 1);
            String token = env.rooms.join(room, id, "Speaker " + s, "en", "en", false);
            EventCollector events = collectors.get(collectors.size() - 1);
            int offset = s;
            runs.add(pool.submit(() -> {
                try (AudioClient c = AudioClient.connect(env.port, token).start(16000)) {
                    Thread.sleep(offset * 700L % 3000); // speakers do not start in lockstep
                    for (int i = 0; i < each; i++) {
                        short[] sentence = speech.get((offset + i) % speech.size()).audio();
                        // speech onset: when the frame holding the sentence's first 10 ms at the VAD's floor is sent
                        Instant sent = Instant.now().plusMillis(800);
                        speakerOnsets.add(sent.plusMillis(SpeechTimings.firstLevelFrameMs(sentence, 20)));
                        speakerPeakOnsets.add(sent.plusMillis(SpeechTimings.firstVoicedFrameMs(sentence, 20)));
                        c.stream(Audio.concat(Audio.silence(16000, 0.8), sentence), 16000, 20, 1.0);
                    }
                    c.stream(Audio.silence(16000, 1.0), 16000, 20, 1.0);
                    awaitTranslations(events, id, each);
                    c.stop();
                }
                return null;
            }));
        }
        for (Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Double> latencies = new ArrayList<>();
        InterimStability interims = new InterimStability(0, 0, 0, 0, 0, 0, 0, List.of());
        List<Double> firstInterims = new ArrayList<>();
        List<Double> firstInterimsFromPeak = new ArrayList<>();
        int extraFinals = 0;
        int missingFinals = 0;
        int wordErrors = 0;
        int words = 0;
        for (int s = 0; s < n; s++) {
            String id = speakerIds.get(s);
            EventCollector c = collectors.get(collectorOf.get(s));
            List<Transcript> own = c.of(Transcript.class).stream().filter(t -> id.equals(t.speaker())).toList();
            interims = interims.plus(InterimStability.of(own));
            firstInterims.addAll(SpeechTimings.firstInterimDelays(own, onsets.get(s)));
            firstInterimsFromPeak.addAll(SpeechTimings.firstInterimDelays(own, peakOnsets.get(s)));
            // one final per sentence spoken; more = a sentence cut in two (or more) by the endpoint
            long finals = own.stream().filter(Transcript::isFinal).count();
            extraFinals += (int) Math.max(0, finals - each);
            missingFinals += (int) Math.max(0, each - finals);
            StringBuilder said = new StringBuilder();
            for (int i = 0; i < each; i++) {
                said.append(speech.get((s + i) % speech.size()).text()).append(' ');
            }
            List<String> texts = own.stream().filter(Transcript::isFinal).map(Transcript::text).toList();
            String heard = String.join(" ", texts);
            if (Boolean.getBoolean("bench.print-errors") && texts.size() == each) {
                for (int i = 0; i < each; i++) {
                    String ref = speech.get((s + i) % speech.size()).text();
                    if (TestSpeech.errors(ref, texts.get(i)) > 0) {
                        System.out.printf("    said \"%s\", final \"%s\"%n", ref, texts.get(i));
                    }
                }
            }
            wordErrors += TestSpeech.errors(said.toString(), heard);
            words += TestSpeech.words(said.toString()).length;
        }
        int degraded = 0;
        Map<String, Integer> states = new TreeMap<>();
        for (EventCollector c : collectors) {
            for (Translation t : c.of(Translation.class)) {
                if (t.isFinal() && t.endOfSpeechAt() != null) {
                    latencies.add(Duration.between(t.endOfSpeechAt(), t.publishedAt()).toNanos() / 1e6);
                }
            }
            for (CaptionStatus st : c.of(CaptionStatus.class)) {
                if (!CaptionStatus.OK.equals(st.state())) {
                    degraded++;
                    states.merge(st.state() + (st.reason() == null ? "" : " (" + st.reason() + ")"), 1, Integer::sum);
                }
            }
            c.close();
        }
        return new Result(latencies, degraded, states, seconds, interims, firstInterims, firstInterimsFromPeak,
                n * each, extraFinals, missingFinals, wordErrors, words);
    }

    /**
     * Until the speaker's last sentence has its final translation, or the settling time passes (sentences lost are
     * counted afterwards, not waited for).
     */
    private static void awaitTranslations(EventCollector events, String speaker, int sentences) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> events.of(Translation.class).stream()
                            .filter(t -> t.isFinal() && speaker.equals(t.speaker())).count() >= sentences);
        } catch (ConditionTimeoutException e) {
            // some were lost or degraded: reported from the events
        }
    }
}

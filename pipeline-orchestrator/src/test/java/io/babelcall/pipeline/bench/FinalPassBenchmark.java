package io.babelcall.pipeline.bench;

import static org.awaitility.Awaitility.await;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxProbe;
import io.babelcall.pipeline.tts.WavFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long pocketsphinx's final pass ({@code ps_end_utt}: fwdflat and bestpath) takes on the utterances of recordings,
 * e.g. what a browser's page sent (`BENCH_UPLINK_WAV` of e2e/bench/caption-latency.mjs) against the WAV its fake
 * microphone played: the same final-pass time means the audio is not what makes the server slower behind browsers.
 * Each utterance (voiced stretches joined across gaps under 600 ms, 200 ms before and 100 ms after) is fed as fast as
 * the decoder takes it; once decoded, its end is timed until the final. The files alternate, {@code -Dreplay.rounds}
 * times (2). Options as {@code -Dreplay.option.NAME=VALUE} (e.g. {@code -Dreplay.option.fwdflat=false}). The first
 * utterance is a fresh decoder's (see its own line and "first").
 *
 * <pre>pipeline-orchestrator/bench.sh final-pass /tmp/uplink.wav /tmp/uplink-spoken.wav   # 16 kHz mono PCM16
 * BENCH_OPTS="-Dreplay.first-word=true -Dreplay.option.interim-interval=20ms" bench.sh final-pass FILE...</pre>
 */
public final class FinalPassBenchmark {

    private static final int FRAME = 320;
    private static final int VOICED_PEAK = 655; // -34 dBFS
    private static final int JOIN_GAP_SAMPLES = 9600;
    /** {@code -Dreplay.whole=true}: time each utterance from its first sample (decoding and final pass). */
    private static final boolean WHOLE = Boolean.getBoolean("replay.whole");
    /**
     * {@code -Dreplay.first-word=true}: instead, how much audio after the utterance's first voiced frame the recogniser
     * needs before its first non-empty hypothesis (fed a frame at a time, each decoded before the next): the least
     * time from speech onset to a first interim that any pipeline around it could reach.
     */
    private static final boolean FIRST_WORD = Boolean.getBoolean("replay.first-word");

    private FinalPassBenchmark() {
    }

    public static void main(String[] files) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("max-decoders", "1", "min-idle", "1",
                "decode-threads", "1", "max-backlog", "60s"));
        String prefix = "replay.option.";
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> options.put(k.substring(prefix.length()), System.getProperty(k)));
        SpeechRecognizer recognizer = TestEngines.create(new PocketsphinxFactory(), "sphinx", Duration.ofSeconds(60),
                options);
        try {
            // the pool makes its first decoder in the background, as it does before anyone speaks to a server
            await().atMost(Duration.ofSeconds(30)).until(() -> PocketsphinxProbe.decoderReady(recognizer));
            for (int round = 0; round < Integer.getInteger("replay.rounds", 2); round++) {
                for (String file : files) {
                    replay(recognizer, Path.of(file));
                }
            }
        } finally {
            ((AutoCloseable) recognizer).close();
        }
    }

    private static void replay(SpeechRecognizer recognizer, Path file) throws Exception {
        WavFile.Info info = WavFile.parse(Files.readAllBytes(file));
        if (info.sampleRate() != 16000 || info.channels() != 1 || info.bitsPerSample() != 16) {
            throw new IllegalArgumentException(file + ": 16 kHz mono PCM16 needed (sox IN -r 16000 -c 1 -b 16 OUT)");
        }
        short[] pcm = WavFile.pcm16Samples(Files.readAllBytes(file));
        Recording finals = new Recording();
        List<Long> millis = new ArrayList<>();
        try (RecognitionSession session = recognizer.open(new RecognitionRequest("bench", "replay",
                LanguageCode.of("en"), 16000), finals)) {
            for (int[] span : utterances(pcm)) {
                int from = Math.max(0, span[0] - 3200);
                int to = Math.min(pcm.length, span[1] + 1600);
                long fed = System.nanoTime();
                int interimsBefore = finals.interims.size();
                // onset as the socket benchmark's: the first 10 ms at the VAD's floor
                long onsetMs = FIRST_WORD ? SpeechTimings.firstLevelFrameMs(Arrays.copyOfRange(pcm, from, to), 20) : 0;
                long firstWordAt = -1;
                for (int i = from; i < to; i += FRAME) {
                    session.accept(pcm, i, Math.min(FRAME, to - i));
                    if (FIRST_WORD && firstWordAt < 0 && hypothesisAfter(recognizer, finals, interimsBefore)) {
                        firstWordAt = (i + FRAME - from) / 16 - onsetMs;
                    }
                }
                if (!WHOLE) {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2))
                            .until(() -> PocketsphinxProbe.decodedEverything(recognizer));
                }
                long start = WHOLE ? fed : System.nanoTime();
                session.endUtterance();
                Object result = finals.await(finals.results.size() + 1);
                long ms = FIRST_WORD ? firstWordAt : (System.nanoTime() - start) / 1_000_000;
                if (ms < 0) {
                    System.out.printf("  %s: no hypothesis before the end, not counted  \"%s\"%n", file.getFileName(),
                            result);
                    continue;
                }
                millis.add(ms);
                System.out.printf("  %s %5.2f s: %s %3d ms  \"%s\"%n", file.getFileName(), (to - from) / 16000.0,
                        what(), ms, result);
            }
        }
        if (millis.isEmpty()) {
            return;
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("%s: %d utterances, %s p50 %d ms, max %d ms, total %d ms (first %d ms); load average %.1f%n",
                file, sorted.size(), what(), sorted.get(sorted.size() / 2),
                sorted.get(sorted.size() - 1),
                sorted.stream().mapToLong(Long::longValue).sum(), millis.get(0),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Once the audio given so far is decoded: whether a non-empty hypothesis came after the first {@code from}. */
    private static boolean hypothesisAfter(SpeechRecognizer recognizer, Recording finals, int from) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                .until(() -> PocketsphinxProbe.decodedEverything(recognizer));
        return finals.interims.subList(from, finals.interims.size()).stream().anyMatch(t -> !t.isBlank());
    }

    private static String what() {
        return FIRST_WORD ? "first word after onset (audio)" : WHOLE ? "decoded and final" : "final pass";
    }

    /** Voiced stretches (20 ms frames with a peak at or above -34 dBFS) joined across gaps under 600 ms. */
    private static List<int[]> utterances(short[] pcm) {
        List<int[]> spans = new ArrayList<>();
        int start = -1;
        int lastVoiced = -1;
        for (int f = 0; f + FRAME <= pcm.length; f += FRAME) {
            int peak = 0;
            for (int i = f; i < f + FRAME; i++) {
                peak = Math.max(peak, Math.abs(pcm[i]));
            }
            if (peak >= VOICED_PEAK) {
                start = start < 0 ? f : start;
                lastVoiced = f + FRAME;
            } else if (start >= 0 && f - lastVoiced > JOIN_GAP_SAMPLES) {
                spans.add(new int[] {start, lastVoiced});
                start = -1;
            }
        }
        if (start >= 0) {
            spans.add(new int[] {start, lastVoiced});
        }
        return spans;
    }
}

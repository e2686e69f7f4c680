package io.babelcall.pipeline.bench;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.TestSpeech;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.stt.pocketsphinx.PocketsphinxFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Word error rate of pocketsphinx against its decoding cost for a set of decoder settings, on the three sets of
 * {@link WerSets}: held-out sentences per flite voice, the tuning sentences settings are chosen on, and recordings of
 * people. Each voice or person is one speaker (a session whose first, uncounted utterance calibrates the cepstral
 * mean, as a call's first words do). Cost = decoding wall time over audio time on one decode thread, the audio fed as
 * fast as the decoder takes it (a real-time factor; compare within one run).
 *
 * <pre>pipeline-orchestrator/bench.sh wer    # -Dwer.only=bestpath: only the settings whose name contains "bestpath"
 * WER_TRY='quiet=-remove_noise no;flat lw 7=-fwdflatlw 7' pipeline-orchestrator/bench.sh wer</pre>
 */
public final class WerBenchmark {

    /** Settings compared: name -> pocketsphinx options (on top of one decoder, one decode thread). */
    static final Map<String, Map<String, String>> SETTINGS = new LinkedHashMap<>();
    static final String SHIPPED = "shipped: fwdflat + bestpath, lw 6.5";

    static {
        SETTINGS.put(SHIPPED, Map.of());
        SETTINGS.put("before: fwdflat, no bestpath", Map.of("bestpath", "false"));
        SETTINGS.put("no fwdflat, no bestpath", Map.of("fwdflat", "false", "bestpath", "false"));
        SETTINGS.put("no fwdflat, bestpath", Map.of("fwdflat", "false", "bestpath", "true"));
        SETTINGS.put("no bestpath, lw 8", Map.of("bestpath", "false", "extra-args", "-lw 8"));
        SETTINGS.put("no bestpath, lw 10", Map.of("bestpath", "false", "extra-args", "-lw 10"));
        SETTINGS.put("no bestpath, wider beams (1e-60 / 1e-40)", Map.of("bestpath", "false",
                "extra-args", "-beam 1e-60 -pbeam 1e-60 -wbeam 1e-40"));
        SETTINGS.put("no bestpath, narrower beams (1e-40 / 1e-20)", Map.of("bestpath", "false",
                "extra-args", "-beam 1e-40 -pbeam 1e-40 -wbeam 1e-20"));
        SETTINGS.put("fwdflat + bestpath, lw 5.5", Map.of("bestpath", "true", "extra-args", "-lw 5.5"));
        SETTINGS.put("fwdflat + bestpath, lw 7.5", Map.of("bestpath", "true", "extra-args", "-lw 7.5"));
        SETTINGS.put("fwdflat + bestpath, wider beams", Map.of("bestpath", "true",
                "extra-args", "-beam 1e-60 -pbeam 1e-60 -wbeam 1e-40"));
        SETTINGS.put("fwdflat + bestpath, wider fwdflat beams (1e-80 / 1e-40)", Map.of("bestpath", "true",
                "extra-args", "-fwdflatbeam 1e-80 -fwdflatwbeam 1e-40"));
    }

    private WerBenchmark() {
    }

    /**
     * Settings of one's own to compare with the shipped ones, replacing the list above: the environment's
     * {@code WER_TRY="name=-opt value -opt value;name2=..."}, pocketsphinx options on top of the shipped defaults.
     */
    static Map<String, Map<String, String>> settings() {
        String tried = System.getenv().getOrDefault("WER_TRY", "");
        if (tried.isBlank()) {
            return SETTINGS;
        }
        Map<String, Map<String, String>> own = new LinkedHashMap<>();
        own.put(SHIPPED, Map.of());
        for (String one : tried.split(";", -1)) {
            int eq = one.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("WER_TRY: expected name=options, got \"" + one + "\"");
            }
            own.put(one.substring(0, eq).trim(), Map.of("extra-args", one.substring(eq + 1).trim()));
        }
        return own;
    }

    public static void main(String[] args) throws Exception {
        String only = System.getProperty("wer.only", "");
        Path dir = Files.createTempDirectory("wer-bench");
        List<WerSets.Speaker> heldOut = WerSets.flite(WerSets.HELD_OUT, dir);
        List<WerSets.Speaker> tuning = WerSets.flite(WerSets.TUNING, dir);
        List<WerSets.Speaker> people = WerSets.people();
        System.out.printf("held out: %d sentences, tuning: %d sentences, x %d voices; people: %s; load average %.1f%n",
                WerSets.HELD_OUT.length, WerSets.TUNING.length, WerSets.VOICES.size(),
                people.stream().map(p -> p.name() + " " + p.audio().size()).toList(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder table = new StringBuilder("| settings | held out: " + String.join(" | ", WerSets.VOICES)
                + " | held out, all | tuning set | people | real-time factor |\n|---|"
                + "---|".repeat(WerSets.VOICES.size() + 4) + "\n");
        for (var setting : settings().entrySet()) {
            if (!setting.getKey().contains(only)) {
                continue;
            }
            Map<String, String> options = new HashMap<>(Map.of("max-decoders", "1", "min-idle", "1",
                    "decode-threads", "1", "max-backlog", "60s"));
            options.putAll(setting.getValue());
            SpeechRecognizer recognizer = TestEngines.create(new PocketsphinxFactory(), "sphinx",
                    Duration.ofSeconds(60), options);
            Score total = new Score();
            table.append("| ").append(setting.getKey());
            try {
                Score heldOutAll = new Score();
                for (WerSets.Speaker voice : heldOut) {
                    Score one = score(recognizer, voice, setting.getKey());
                    heldOutAll.add(one);
                    table.append(" | ").append(one.percent());
                }
                total.add(heldOutAll);
                table.append(" | **").append(heldOutAll.percent()).append("**");
                for (List<WerSets.Speaker> set : List.of(tuning, people)) {
                    Score all = new Score();
                    for (WerSets.Speaker speaker : set) {
                        all.add(score(recognizer, speaker, setting.getKey()));
                    }
                    total.add(all);
                    table.append(" | ").append(all.percent());
                }
                table.append(String.format(" | %.3f |%n", total.realTimeFactor()));
                System.out.printf("%s: held out %s, real-time factor %.3f%n", setting.getKey(), heldOutAll.percent(),
                        total.realTimeFactor());
            } finally {
                ((AutoCloseable) recognizer).close();
            }
        }
        System.out.println();
        System.out.print(table);
    }

    /** Errors over words, and decoding time over audio time, of one or more speakers' scored utterances. */
    static final class Score {
        int errors;
        int words;
        long audioSamples;
        long decodeNanos;

        void add(Score other) {
            errors += other.errors;
            words += other.words;
            audioSamples += other.audioSamples;
            decodeNanos += other.decodeNanos;
        }

        String percent() {
            return String.format("%.1f %%", 100.0 * errors / words);
        }

        double realTimeFactor() {
            return decodeNanos / 1e9 / (audioSamples / 16000.0);
        }
    }

    /** One speaker in one session: the warm-up, then every utterance scored and its decoding timed. */
    static Score score(SpeechRecognizer recognizer, WerSets.Speaker speaker, String setting) {
        Recording finals = new Recording();
        Score score = new Score();
        try (RecognitionSession session = recognizer.open(new RecognitionRequest("bench", speaker.name(),
                LanguageCode.of("en"), 16000), finals)) {
            for (short[] warmUp : speaker.warmUp()) {
                decode(session, finals, warmUp);
            }
            for (int i = 0; i < speaker.audio().size(); i++) {
                short[] audio = speaker.audio().get(i);
                String reference = speaker.references().get(i);
                long start = System.nanoTime();
                String hyp = spoken(decode(session, finals, audio));
                score.decodeNanos += System.nanoTime() - start;
                score.audioSamples += audio.length;
                int e = TestSpeech.errors(reference, hyp);
                if (e > 0) {
                    System.out.printf("  %s / %s: \"%s\" -> \"%s\"%n", setting, speaker.name(), reference, hyp);
                }
                score.errors += e;
                score.words += TestSpeech.words(reference).length;
            }
        }
        return score;
    }

    /**
     * The hypothesis with the dictionary's written abbreviations as the words said ("mr" is "mister"), as a scoring
     * normalisation does: the recordings' transcriptions spell the words out.
     */
    static String spoken(String hypothesis) {
        return (" " + hypothesis + " ").replace(" mr ", " mister ").replace(" mrs ", " missus ")
                .replace(" dr ", " doctor ").trim();
    }

    /** Feeds one utterance in 20 ms frames, ends it, and waits for its final. */
    static String decode(RecognitionSession session, Recording results, short[] audio) {
        for (int i = 0; i < audio.length; i += 320) {
            session.accept(audio, i, Math.min(320, audio.length - i));
        }
        session.endUtterance();
        Object result = results.await(results.results.size() + 1);
        if (result instanceof Throwable t) {
            throw new IllegalStateException("recognition failed", t);
        }
        return (String) result;
    }
}

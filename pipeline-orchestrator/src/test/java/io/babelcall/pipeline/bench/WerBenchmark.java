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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Word error rate of pocketsphinx against its decoding cost, per flite voice, for a set of decoder settings: held-out
 * sentences that no test and no other benchmark speaks, each voice one speaker (a session whose first, uncounted
 * utterance calibrates the cepstral mean, as a call's first words do). Cost = decoding wall time over audio time on
 * one decode thread, the audio fed as fast as the decoder takes it (a real-time factor; compare within one run).
 *
 * <pre>pipeline-orchestrator/bench.sh wer        # -Dwer.only=bestpath: only the settings whose name contains "bestpath"</pre>
 */
public final class WerBenchmark {

    static final String[] HELD_OUT = {
            "The bus leaves at half past seven.",
            "Could you open the window a little?",
            "She is reading a book in the garden.",
            "We need more time to finish the project.",
            "The children are playing in the park.",
            "Please send the invoice by email.",
            "I forgot my keys at the office.",
            "Our flight was delayed by two hours.",
            "Let us talk about the budget next week.",
            "The doctor will see you in ten minutes.",
            "He bought a new car last month.",
            "Do you know where the library is?",
            "The soup is too hot to eat.",
            "I will call you when I arrive.",
            "They moved to a bigger apartment.",
            "The store closes at nine tonight."};
    static final String WARM_UP = "Hello, this is a test of my microphone.";
    static final List<String> VOICES = List.of("slt", "awb", "rms", "kal16");
    /**
     * Silence after each sentence before the utterance ends ({@code -Dwer.trailing-silence}): what the decoder hears of
     * the pause. Since the speculative final (round 11) the pipeline ends the decoder's utterance 100 ms into the
     * silence; before, after the endpoint's 220-300 ms.
     */
    static final int TRAILING_SILENCE_MS = Integer.getInteger("wer.trailing-silence", 100);

    /** Settings compared: name -> pocketsphinx options (on top of one decoder, one decode thread). */
    static final Map<String, Map<String, String>> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("shipped: fwdflat + bestpath, lw 6.5", Map.of());
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

    public static void main(String[] args) throws Exception {
        String only = System.getProperty("wer.only", "");
        Path dir = Files.createTempDirectory("wer-bench");
        Map<String, List<short[]>> speech = new HashMap<>();
        Map<String, short[]> warmUp = new HashMap<>();
        for (String voice : VOICES) {
            warmUp.put(voice, TestSpeech.speak(WARM_UP, voice, dir));
            List<short[]> audio = new ArrayList<>();
            for (String s : HELD_OUT) {
                audio.add(TestSpeech.concat(TestSpeech.silence(200), TestSpeech.speak(s, voice, dir),
                        TestSpeech.silence(TRAILING_SILENCE_MS)));
            }
            speech.put(voice, audio);
        }
        System.out.printf("%d held-out sentences x %d voices; load average %.1f%n", HELD_OUT.length, VOICES.size(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        StringBuilder table = new StringBuilder("| settings | " + String.join(" | ", VOICES)
                + " | all | real-time factor |\n|---|" + "---|".repeat(VOICES.size() + 2) + "\n");
        for (var setting : SETTINGS.entrySet()) {
            if (!setting.getKey().contains(only)) {
                continue;
            }
            Map<String, String> options = new HashMap<>(Map.of("max-decoders", "1", "min-idle", "1",
                    "decode-threads", "1", "max-backlog", "60s"));
            options.putAll(setting.getValue());
            SpeechRecognizer recognizer = TestEngines.create(new PocketsphinxFactory(), "sphinx",
                    Duration.ofSeconds(60), options);
            int allErrors = 0;
            int allWords = 0;
            long audioSamples = 0;
            long decodeNanos = 0;
            table.append("| ").append(setting.getKey());
            try {
                for (String voice : VOICES) {
                    Recording finals = new Recording();
                    int errors = 0;
                    int words = 0;
                    try (RecognitionSession session = recognizer.open(new RecognitionRequest("bench", voice,
                            LanguageCode.of("en"), 16000), finals)) {
                        decode(session, finals, warmUp.get(voice));
                        for (int i = 0; i < HELD_OUT.length; i++) {
                            short[] audio = speech.get(voice).get(i);
                            long start = System.nanoTime();
                            String hyp = decode(session, finals, audio);
                            decodeNanos += System.nanoTime() - start;
                            audioSamples += audio.length;
                            int e = TestSpeech.errors(HELD_OUT[i], hyp);
                            if (e > 0) {
                                System.out.printf("  %s / %s: \"%s\" -> \"%s\"%n", setting.getKey(), voice,
                                        HELD_OUT[i], hyp);
                            }
                            errors += e;
                            words += TestSpeech.words(HELD_OUT[i]).length;
                        }
                    }
                    allErrors += errors;
                    allWords += words;
                    table.append(String.format(" | %.1f %%", 100.0 * errors / words));
                }
            } finally {
                ((AutoCloseable) recognizer).close();
            }
            double rtf = decodeNanos / 1e9 / (audioSamples / 16000.0);
            table.append(String.format(" | **%.1f %%** | %.3f |%n", 100.0 * allErrors / allWords, rtf));
            System.out.printf("%s: WER %.1f %% (%d / %d words), real-time factor %.3f%n", setting.getKey(),
                    100.0 * allErrors / allWords, allErrors, allWords, rtf);
        }
        System.out.println();
        System.out.print(table);
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

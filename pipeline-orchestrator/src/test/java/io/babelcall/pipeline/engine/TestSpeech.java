package io.babelcall.pipeline.engine;

import io.babelcall.pipeline.tts.WavFile;
import io.babelcall.testsupport.LocalBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** English test speech made at test time with flite (pocketsphinx recognises its {@code slt} voice well), and WER. */
public final class TestSpeech {

    /** Everyday sentences; tests pick some at random, so no result is tuned to one sentence. */
    public static final List<String> SENTENCES = List.of(
            "the weather is nice today and we can go for a walk",
            "i would like to order a cup of coffee please",
            "please call me back when you have some time",
            "we are going to meet our friends at the station",
            "the meeting will start at ten in the morning",
            "can you send me the report before friday",
            "my brother lives in a small house near the river",
            "i think we should go to the beach tomorrow morning");

    private TestSpeech() {
    }

    /** 16 kHz mono PCM16 samples of {@code text} spoken by flite's slt voice (resampled with sox if needed). */
    public static short[] speak(String text, Path dir) throws IOException, InterruptedException {
        return speak(text, "slt", dir);
    }

    /** The same in another flite voice ({@code slt}, {@code awb}, {@code rms}, {@code kal16}, ...). */
    public static short[] speak(String text, String voice, Path dir) throws IOException, InterruptedException {
        Path flite = LocalBinaries.require("flite", "flite");
        Path wav = Files.createTempFile(dir, "flite", ".wav");
        run(List.of(flite.toString(), "-voice", voice, "-t", text, "-o", wav.toString()));
        WavFile.Info info = WavFile.parse(Files.readAllBytes(wav));
        if (info.sampleRate() != 16000 || info.channels() != 1 || info.bitsPerSample() != 16) {
            Path sox = LocalBinaries.require("sox", "sox");
            Path converted = Files.createTempFile(dir, "flite16k", ".wav");
            run(List.of(sox.toString(), wav.toString(), "-r", "16000", "-c", "1", "-b", "16", converted.toString()));
            wav = converted;
        }
        return WavFile.pcm16Samples(Files.readAllBytes(wav));
    }

    /** Word error rate: word-level edit distance over the reference length (case and punctuation ignored). */
    public static double wer(String reference, String hypothesis) {
        return (double) errors(reference, hypothesis) / Math.max(1, words(reference).length);
    }

    public static int errors(String reference, String hypothesis) {
        String[] r = words(reference);
        String[] h = words(hypothesis);
        int[][] d = new int[r.length + 1][h.length + 1];
        for (int i = 0; i <= r.length; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= h.length; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= r.length; i++) {
            for (int j = 1; j <= h.length; j++) {
                int sub = d[i - 1][j - 1] + (r[i - 1].equals(h[j - 1]) ? 0 : 1);
                d[i][j] = Math.min(sub, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
            }
        }
        return d[r.length][h.length];
    }

    public static String[] words(String s) {
        String clean = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9' ]", " ").trim();
        return clean.isEmpty() ? new String[0] : clean.split("\\s+");
    }

    /** Some sentences at random (the seed is printed so a failure can be replayed with -Dspeech.seed=...). */
    public static List<String> pick(int n) {
        long seed = Long.getLong("speech.seed", System.nanoTime());
        System.out.println("speech.seed=" + seed);
        List<String> all = new ArrayList<>(SENTENCES);
        java.util.Collections.shuffle(all, new java.util.Random(seed));
        return all.subList(0, n);
    }

    public static short[] silence(int millis) {
        return new short[16 * millis];
    }

    public static short[] concat(short[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        short[] out = new short[n];
        int at = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " failed: " + out);
        }
    }
}

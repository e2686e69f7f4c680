package io.babelcall.pipeline.stt.pocketsphinx;

/**
 * A second of speech-like sound for a new decoder's warm-up ({@link Decoder#warmUp}): vowels (a 100-140 Hz pulse train
 * shaped by the first three formants of /a/, /i/, /u/, /e/, /o/) between bursts of hiss, as fricatives. Deterministic;
 * what the decoder makes of it does not matter, only that its search runs through the models as speech would make it.
 */
final class WarmUpAudio {

    private static final int RATE = 16000;
    private static final double[][] FORMANTS = {
            {730, 1090, 2440}, {270, 2290, 3010}, {300, 870, 2240}, {530, 1840, 2480}, {570, 840, 2410}};
    private static final int VOWEL_SAMPLES = RATE * 160 / 1000;
    private static final int HISS_SAMPLES = RATE * 60 / 1000;

    private WarmUpAudio() {
    }

    static short[] speechLike() {
        int segments = 2 * FORMANTS.length;
        short[] out = new short[segments / 2 * (VOWEL_SAMPLES + HISS_SAMPLES)];
        long seed = 42;
        int at = 0;
        for (int v = 0; v < FORMANTS.length; v++) {
            double f0 = 100 + 10 * v;
            for (int i = 0; i < VOWEL_SAMPLES; i++, at++) {
                double t = (double) i / RATE;
                double sample = 0;
                for (int h = 1; h * f0 < 4000; h++) {
                    sample += gain(h * f0, FORMANTS[v]) * Math.sin(2 * Math.PI * h * f0 * t);
                }
                double envelope = Math.sin(Math.PI * i / VOWEL_SAMPLES);
                out[at] = (short) Math.max(-32767, Math.min(32767, 6000 * envelope * sample));
            }
            for (int i = 0; i < HISS_SAMPLES; i++, at++) {
                seed = seed * 6364136223846793005L + 1442695040888963407L; // LCG: deterministic noise
                out[at] = (short) ((seed >>> 33) % 3000 - 1500);
            }
        }
        return out;
    }

    /** Sum of three resonances (bandwidth 80 Hz) at {@code freq}. */
    private static double gain(double freq, double[] formants) {
        double g = 0;
        for (double f : formants) {
            double d = (freq - f) / 80;
            g += 1 / (1 + d * d);
        }
        return g / 3;
    }
}

package io.babelcall.pipeline.audio;

/**
 * Converts 48 kHz PCM16 to 16 kHz by low-pass filtering and keeping every third sample. The filter is a
 * Blackman-windowed sinc of {@value #TAPS} taps with its cutoff at 7.2 kHz: flat to ~6 kHz (all of speech that the
 * recognisers use), more than 70 dB down from ~8.2 kHz, so content above the new 8 kHz Nyquist (a 12 kHz tone, say)
 * does not fold back as audible aliases. Only every third output is computed (~42 MACs per input sample). Keeps
 * {@code TAPS - 1} samples of history between calls, so frame boundaries are seamless. One instance per stream; not
 * thread-safe.
 */
public final class Decimator48To16 {

    public static final int FACTOR = 3;
    static final int TAPS = 127;
    private static final double CUTOFF_HZ = 7_200;
    private static final float[] KERNEL = kernel();

    /** history (TAPS - 1 samples) followed by the current input. */
    private float[] window = new float[TAPS - 1 + 4800];
    private int phase; // how many input samples to skip before the next output

    private static float[] kernel() {
        float[] h = new float[TAPS];
        double fc = CUTOFF_HZ / 48_000; // normalised cutoff (cycles per sample)
        int mid = (TAPS - 1) / 2;
        double sum = 0;
        for (int n = 0; n < TAPS; n++) {
            int k = n - mid;
            double sinc = k == 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * k) / (Math.PI * k);
            double w = 0.42 - 0.5 * Math.cos(2 * Math.PI * n / (TAPS - 1)) + 0.08 * Math.cos(4 * Math.PI * n / (TAPS - 1));
            h[n] = (float) (sinc * w);
            sum += h[n];
        }
        for (int n = 0; n < TAPS; n++) {
            h[n] /= (float) sum; // unity gain at DC
        }
        return h;
    }

    /** Number of output samples {@link #process} produces for {@code inputLength} more input samples. */
    public int outputLength(int inputLength) {
        int available = inputLength - phase;
        return available <= 0 ? 0 : (available + FACTOR - 1) / FACTOR;
    }

    /** Filters {@code length} input samples and returns the decimated output (possibly empty). */
    public short[] process(short[] in, int offset, int length) {
        int hist = TAPS - 1;
        if (window.length < hist + length) {
            float[] bigger = new float[hist + length];
            System.arraycopy(window, 0, bigger, 0, hist);
            window = bigger;
        }
        for (int i = 0; i < length; i++) {
            window[hist + i] = in[offset + i];
        }
        short[] out = new short[outputLength(length)];
        int o = 0;
        int i = phase;
        for (; i < length; i += FACTOR) {
            // output aligned with input sample i: convolve window[i .. i + TAPS - 1]
            double acc = 0;
            int base = i;
            for (int t = 0; t < TAPS; t++) {
                acc += KERNEL[t] * window[base + t];
            }
            long v = Math.round(acc);
            out[o++] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
        }
        phase = i - length;
        System.arraycopy(window, length, window, 0, hist);
        return out;
    }
}

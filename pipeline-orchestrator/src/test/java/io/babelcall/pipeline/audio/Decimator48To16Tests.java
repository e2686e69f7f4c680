package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.pipeline.support.Audio;
import org.junit.jupiter.api.Test;

/** The 48 -> 16 kHz decimator keeps speech-band tones and does not fold high frequencies back into the band. */
class Decimator48To16Tests {

    @Test
    void keepsA1kHzToneAtItsFrequencyAndLevel() {
        short[] out = decimateInFrames(Audio.tone(48_000, 1000, 1.0, 0.5), 960);
        assertThat(out).hasSize(16_000);
        short[] steady = java.util.Arrays.copyOfRange(out, 1600, out.length); // skip the filter's start-up
        assertThat(dominantFrequency(steady, 16_000)).isBetween(990.0, 1010.0);
        assertThat(rms(steady) / (0.5 * 32767 / Math.sqrt(2))).isBetween(0.97, 1.03);
    }

    @Test
    void keeps5kHzAndRemovesA12kHzToneInsteadOfAliasingItTo4kHz() {
        short[] five = decimateInFrames(Audio.tone(48_000, 5000, 1.0, 0.5), 480);
        assertThat(dominantFrequency(slice(five), 16_000)).isBetween(4990.0, 5010.0);
        assertThat(rms(slice(five)) / (0.5 * 32767 / Math.sqrt(2))).isBetween(0.9, 1.1);

        short[] twelve = decimateInFrames(Audio.tone(48_000, 12_000, 1.0, 0.5), 960);
        double inRms = 0.5 * 32767 / Math.sqrt(2);
        // naive sample dropping would leave a full-level 4 kHz alias; the filter leaves less than -60 dB
        double alias = goertzel(slice(twelve), 16_000, 4000);
        assertThat(20 * Math.log10(Math.max(rms(slice(twelve)), 1e-9) / inRms)).isLessThan(-60);
        assertThat(20 * Math.log10(Math.max(alias, 1e-9) / inRms)).isLessThan(-60);
    }

    @Test
    void frameBoundariesDoNotMatter() {
        short[] in = Audio.concat(Audio.voice(48_000, 0.5), Audio.tone(48_000, 300, 0.5, 0.3));
        short[] whole = new Decimator48To16().process(in, 0, in.length);
        short[] framed = decimateInFrames(in, 487); // odd frame size: phase carries over between calls
        assertThat(framed).containsExactly(whole);
    }

    private static short[] decimateInFrames(short[] in, int frame) {
        Decimator48To16 d = new Decimator48To16();
        short[] out = new short[in.length / 3 + 2];
        int n = 0;
        for (int off = 0; off < in.length; off += frame) {
            short[] part = d.process(in, off, Math.min(frame, in.length - off));
            System.arraycopy(part, 0, out, n, part.length);
            n += part.length;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static short[] slice(short[] s) {
        return java.util.Arrays.copyOfRange(s, 1600, s.length);
    }

    private static double rms(short[] s) {
        double sum = 0;
        for (short v : s) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / s.length);
    }

    /** Frequency of the strongest component, scanning in 5 Hz steps with Goertzel. */
    private static double dominantFrequency(short[] s, int rate) {
        double best = 0;
        double bestF = 0;
        for (double f = 50; f < rate / 2.0; f += 5) {
            double p = goertzel(s, rate, f);
            if (p > best) {
                best = p;
                bestF = f;
            }
        }
        return bestF;
    }

    /** RMS amplitude of the component at {@code f}. */
    private static double goertzel(short[] s, int rate, double f) {
        double w = 2 * Math.PI * f / rate;
        double c = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        for (short v : s) {
            double s0 = v + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - c * s1 * s2;
        return Math.sqrt(power) * Math.sqrt(2) / s.length;
    }
}

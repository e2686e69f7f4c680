package io.babelcall.pipeline.support;

import io.babelcall.testsupport.LocalBinaries;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Test audio: synthetic signals, WAV reading/writing, and English speech made with flite (+ sox). */
public final class Audio {

    private Audio() {
    }

    /** A voice-like signal: a 140 Hz fundamental with harmonics, syllable-shaped amplitude, at about -20 dBFS. */
    public static short[] voice(int rate, double seconds) {
        int n = (int) (rate * seconds);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) rate;
            double syllable = 0.6 + 0.4 * Math.abs(Math.sin(Math.PI * 4 * t));
            double v = 0;
            for (int h = 1; h <= 5; h++) {
                v += Math.sin(2 * Math.PI * 140 * h * t) / h;
            }
            out[i] = (short) (v * syllable * 2500);
        }
        return out;
    }

    public static short[] silence(int rate, double seconds) {
        return new short[(int) (rate * seconds)];
    }

    public static short[] tone(int rate, double hz, double seconds, double amplitude) {
        int n = (int) (rate * seconds);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / rate));
        }
        return out;
    }

    /** Gaussian white noise of the given RMS (as a fraction of full scale). */
    public static short[] whiteNoise(int rate, double seconds, double rms, long seed) {
        Random r = new Random(seed);
        int n = (int) (rate * seconds);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(r.nextGaussian() * rms * 32767)));
        }
        return out;
    }

    public static short[] concat(short[]... parts) {
        int n = 0;
        for (short[] p : parts) {
            n += p.length;
        }
        short[] out = new short[n];
        int o = 0;
        for (short[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    public static byte[] pcm16le(short[] samples, int offset, int length) {
        ByteBuffer b = ByteBuffer.allocate(length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < length; i++) {
            b.putShort(samples[offset + i]);
        }
        return b.array();
    }

    public static byte[] wav(short[] pcm, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + pcm.length * 2).put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate)
                .putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(pcm.length * 2);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }

    /** A parsed PCM16 WAV. */
    // ArrayRecordComponent: a carrier of samples handed on once, never compared, hashed or printed
    @SuppressWarnings("ArrayRecordComponent")
    public record Wav(int sampleRate, int channels, short[] samples) {

        public double seconds() {
            return samples.length / (double) channels / sampleRate;
        }
    }

    /** Parses a RIFF/WAVE PCM16 file (any chunk order), failing clearly on anything else. */
    public static Wav readWav(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        int pos = 12;
        int rate = 0;
        int channels = 0;
        int bits = 0;
        while (pos + 8 <= bytes.length) {
            int id = b.getInt(pos);
            int size = b.getInt(pos + 4);
            if (id == 0x20746d66) { // "fmt "
                channels = b.getShort(pos + 10);
                rate = b.getInt(pos + 12);
                bits = b.getShort(pos + 22);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16) {
                    throw new IllegalArgumentException("expected 16-bit PCM, got " + bits + " bits");
                }
                int len = size < 0 || pos + 8 + size > bytes.length ? bytes.length - pos - 8 : size;
                short[] samples = new short[len / 2];
                for (int i = 0; i < samples.length; i++) {
                    samples[i] = b.getShort(pos + 8 + 2 * i);
                }
                return new Wav(rate, channels, samples);
            }
            pos += 8 + size + (size & 1);
        }
        throw new IllegalArgumentException("no data chunk");
    }

    /** English speech by {@code flite -voice slt}, as 16 kHz mono samples (resampled with sox). */
    public static short[] flite(String sentence, Path dir) throws IOException, InterruptedException {
        return flite(sentence, dir, 16000);
    }

    /** English speech by {@code flite -voice slt}, as mono samples at {@code rate} (resampled with sox). */
    public static short[] flite(String sentence, Path dir, int rate) throws IOException, InterruptedException {
        Path flite = LocalBinaries.require("flite", "flite");
        Path sox = LocalBinaries.require("sox", "sox");
        Path raw = Files.createTempFile(dir, "flite", ".wav");
        Path out = Files.createTempFile(dir, "speech16k", ".wav");
        run(List.of(flite.toString(), "-voice", "slt", "-t", sentence, "-o", raw.toString()));
        run(List.of(sox.toString(), raw.toString(), "-r", String.valueOf(rate), "-c", "1", "-b", "16", out.toString()));
        Wav wav = readWav(Files.readAllBytes(out));
        if (wav.sampleRate() != rate || wav.channels() != 1) {
            throw new IllegalStateException("sox produced " + wav.sampleRate() + " Hz x " + wav.channels());
        }
        return wav.samples();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + new String(output, StandardCharsets.US_ASCII));
        }
    }
}

package io.babelcall.pipeline.tts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Reads and writes the RIFF/WAVE header of PCM audio; durations of synthesised speech come from it. */
public final class WavFile {

    private WavFile() {
    }

    /**
     * The format and the place of the samples, read from a WAV header.
     *
     * @param sampleRate    samples per second
     * @param channels      channel count
     * @param bitsPerSample 8, 16, 24 or 32
     * @param dataOffset    byte offset of the first sample
     * @param dataLength    bytes of audio actually present
     */
    public record Info(int sampleRate, int channels, int bitsPerSample, int dataOffset, int dataLength) {

        public Duration duration() {
            long bytesPerSecond = (long) sampleRate * channels * (bitsPerSample / 8);
            return Duration.ofNanos(dataLength * 1_000_000_000L / bytesPerSecond);
        }
    }

    /** The header of a PCM WAV, or empty when the bytes are not one. */
    public static Optional<Info> tryParse(byte[] wav) {
        try {
            return Optional.of(parse(wav));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses the header; tolerates the placeholder sizes of a WAV streamed to a pipe (the data length is taken from
     * the bytes present).
     */
    public static Info parse(byte[] wav) {
        if (wav == null || wav.length < 44 || !ascii(wav, 0, "RIFF") || !ascii(wav, 8, "WAVE")) {
            throw new IllegalArgumentException("not a RIFF/WAVE file");
        }
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 12;
        int rate = 0;
        int channels = 0;
        int bits = 0;
        while (pos + 8 <= wav.length) {
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            if (ascii(wav, pos, "fmt ")) {
                if (size < 16 || pos + 24 > wav.length) {
                    throw new IllegalArgumentException("short fmt chunk");
                }
                int format = Short.toUnsignedInt(b.getShort(pos + 8));
                if (format != 1 && format != 0xFFFE) {
                    throw new IllegalArgumentException("not PCM (format " + format + ")");
                }
                channels = Short.toUnsignedInt(b.getShort(pos + 10));
                rate = b.getInt(pos + 12);
                bits = Short.toUnsignedInt(b.getShort(pos + 22));
            } else if (ascii(wav, pos, "data")) {
                if (rate <= 0 || channels <= 0 || bits <= 0 || bits % 8 != 0) {
                    throw new IllegalArgumentException("data chunk before a valid fmt chunk");
                }
                int offset = pos + 8;
                int present = wav.length - offset;
                int length = (int) Math.min(size, present);
                length -= length % (channels * (bits / 8));
                return new Info(rate, channels, bits, offset, length);
            }
            pos += 8 + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - pos - 8L);
        }
        throw new IllegalArgumentException("no data chunk");
    }

    /** A copy whose RIFF and data sizes match the bytes present (a WAV written to stdout carries placeholders). */
    public static byte[] withExactSizes(byte[] wav) {
        Info info = parse(wav);
        byte[] out = java.util.Arrays.copyOf(wav, info.dataOffset() + info.dataLength());
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, out.length - 8);
        b.putInt(info.dataOffset() - 4, info.dataLength());
        return out;
    }

    /** A 16-bit mono PCM WAV of {@code samples} (e.g. an utterance sent to an utterance-level STT server). */
    public static byte[] pcm16Mono(short[] samples, int offset, int length, int sampleRate) {
        ByteBuffer b = ByteBuffer.allocate(44 + length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + length * 2)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(sampleRate).putInt(sampleRate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(length * 2);
        for (int i = 0; i < length; i++) {
            b.putShort(samples[offset + i]);
        }
        return b.array();
    }

    /** The 16-bit mono samples of a PCM16 mono WAV. */
    public static short[] pcm16Samples(byte[] wav) {
        Info info = parse(wav);
        if (info.bitsPerSample() != 16 || info.channels() != 1) {
            throw new IllegalArgumentException("expected 16-bit mono, got " + info.bitsPerSample() + "-bit "
                    + info.channels() + " channels");
        }
        short[] out = new short[info.dataLength() / 2];
        ByteBuffer.wrap(wav, info.dataOffset(), info.dataLength()).order(ByteOrder.LITTLE_ENDIAN)
                .asShortBuffer().get(out);
        return out;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        return at + 4 <= b.length && new String(b, at, 4, StandardCharsets.US_ASCII).equals(s);
    }
}

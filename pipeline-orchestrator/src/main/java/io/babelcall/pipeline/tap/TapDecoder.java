package io.babelcall.pipeline.tap;

import io.babelcall.pipeline.audio.Decimator48To16;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.util.Arrays;

/**
 * One stream's Opus packets, in sequence order, to 16 kHz mono PCM on the stream's own timeline (RTP timestamps,
 * 48 kHz clock):
 * <ul>
 *   <li>a packet is decoded to 48 kHz mono (stereo is down-mixed by the decoder) and decimated to 16 kHz;</li>
 *   <li>packets lost before it are concealed for the duration the timestamps say is missing: the last lost frame from
 *       the packet's in-band FEC (Opus falls back to PLC when the packet carries none), earlier ones by PLC, up to
 *       {@value #MAX_CONCEALED_MS} ms, the rest of a longer gap as silence;</li>
 *   <li>a timestamp gap without lost packets (DTX, silence suppression) becomes that much silence, so voice activity
 *       detection sees the pause and ends the utterance;</li>
 *   <li>an undecodable packet is concealed like a lost one;</li>
 *   <li>silence added by {@link #silence} while no packets came counts against the next gap.</li>
 * </ul>
 * Any gap is filled with at most {@value #MAX_GAP_MS} ms: enough for the endpointer, and a wild timestamp jump costs
 * nothing. One instance per stream; not thread-safe.
 */
final class TapDecoder {

    static final int RATE = 48_000;
    static final int MAX_CONCEALED_MS = 120;
    static final int MAX_GAP_MS = 1_000;
    private static final int PER_MS = RATE / 1000;
    private static final int MAX_FRAME = 120 * PER_MS; // the longest Opus packet
    private static final int GRANULE = 5 * PER_MS / 2; // Opus frame sizes are multiples of 2.5 ms

    private final OpusDecoder opus;
    private final Decimator48To16 decimator = new Decimator48To16();
    private final TapMetrics metrics;
    private short[] out = new short[MAX_FRAME * 2];
    private int outLength;
    private int lastFrame = 20 * PER_MS;
    private boolean started;
    private int nextTimestamp;

    TapDecoder(TapMetrics metrics) {
        this.metrics = metrics;
        try {
            this.opus = new OpusDecoder(RATE, 1);
        } catch (OpusException e) {
            throw new IllegalStateException("cannot create an Opus decoder", e);
        }
    }

    /** The 16 kHz audio of {@code packet}, preceded by the concealment of {@code lost} packets before it. */
    short[] decode(RtpPacket packet, int lost) {
        outLength = 0;
        if (started) {
            int gap = packet.timestamp() - nextTimestamp; // wraps correctly in int arithmetic
            if (lost > 0) {
                long byCount = (long) lost * lastFrame;
                conceal(gap > 0 && gap <= MAX_GAP_MS * PER_MS ? gap : (int) Math.min(byCount, MAX_GAP_MS * PER_MS),
                        packet.payload());
            } else if (gap > 0) {
                zeros(Math.min(gap, MAX_GAP_MS * PER_MS));
            }
        }
        int decoded = decodeOrConceal(packet.payload());
        lastFrame = decoded;
        nextTimestamp = packet.timestamp() + decoded;
        started = true;
        return decimator.process(out, 0, outLength);
    }

    /** {@code samples48k} of silence where no packet came; the stream's timeline moves on by as much. */
    short[] silence(int samples48k) {
        outLength = 0;
        zeros(samples48k);
        if (started) {
            nextTimestamp += samples48k;
        }
        return decimator.process(out, 0, outLength);
    }

    private int decodeOrConceal(byte[] payload) {
        reserve(MAX_FRAME);
        try {
            int n = opus.decode(payload, 0, payload.length, out, outLength, MAX_FRAME, false);
            outLength += n;
            return n;
        } catch (OpusException e) {
            metrics.dropped(TapMetrics.UNDECODABLE);
            metrics.concealed(1);
            return plc(lastFrame);
        } catch (RuntimeException e) { // the decoder's state is suspect after an internal failure
            metrics.dropped(TapMetrics.UNDECODABLE);
            metrics.concealed(1);
            opus.resetState();
            zeros(lastFrame);
            return lastFrame;
        }
    }

    /** Fills {@code samples} of missing audio that ended with a lost packet just before {@code next}. */
    private void conceal(int samples, byte[] next) {
        int fec = samples >= lastFrame ? lastFrame : 0;
        int before = samples - fec;
        int budget = MAX_CONCEALED_MS * PER_MS - fec;
        int frames = 0;
        while (before > 0) {
            int n = Math.min(lastFrame, before) / GRANULE * GRANULE;
            if (n == 0 || budget < n) {
                zeros(before);
                break;
            }
            frames++;
            plc(n);
            budget -= n;
            before -= n;
        }
        if (fec > 0) {
            frames++;
            reserve(fec);
            try {
                outLength += opus.decode(next, 0, next.length, out, outLength, fec, true);
            } catch (OpusException | RuntimeException e) {
                opus.resetState();
                zeros(fec);
            }
        }
        metrics.concealed(frames);
    }

    private int plc(int samples) {
        reserve(samples);
        try {
            int n = opus.decode(null, 0, 0, out, outLength, samples, false);
            outLength += n;
            return n;
        } catch (OpusException | RuntimeException e) {
            opus.resetState();
            zeros(samples);
            return samples;
        }
    }

    private void zeros(int samples) {
        reserve(samples);
        Arrays.fill(out, outLength, outLength + samples, (short) 0);
        outLength += samples;
    }

    private void reserve(int samples) {
        if (outLength + samples > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + samples));
        }
    }
}

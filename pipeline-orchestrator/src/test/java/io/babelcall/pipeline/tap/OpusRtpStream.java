package io.babelcall.pipeline.tap;

import io.babelcall.pipeline.audio.Decimator48To16;
import io.babelcall.pipeline.support.Audio;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusDecoder;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test sender of what Janus forwards: 48 kHz mono audio encoded by Concentus into 20 ms Opus frames (VoIP mode,
 * 32 kbit/s, in-band FEC on, as browsers send) in RTP packets of one SSRC. With DTX on, frames the encoder marks as
 * not worth sending (2 bytes or less) are skipped: the timestamp moves on, the sequence number does not, as in WebRTC.
 */
public final class OpusRtpStream {

    static final int FRAME = 960; // 20 ms at 48 kHz
    public static final int PAYLOAD_TYPE = 111;

    /** A datagram and when to send it, relative to the start of the stream. */
    // ArrayRecordComponent: a carrier of bytes handed on once, never compared, hashed or printed
    @SuppressWarnings("ArrayRecordComponent")
    public record Datagram(long dueNanos, byte[] data) {
    }

    private final int ssrc;
    private final OpusEncoder encoder;
    private int sequence;
    private int timestamp;
    private long frames;

    public OpusRtpStream(int ssrc, int firstSequence, boolean dtx) {
        this.ssrc = ssrc;
        this.sequence = firstSequence;
        this.timestamp = 0x12345678;
        try {
            encoder = new OpusEncoder(48_000, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
        encoder.setBitrate(32_000);
        encoder.setUseInbandFEC(true);
        encoder.setPacketLossPercent(10);
        encoder.setUseDTX(dtx);
    }

    /**
     * The RTP datagrams of {@code pcm48} (whole 20 ms frames; a partial last frame is dropped), each due when its
     * frame has been captured; successive calls continue the stream.
     */
    public List<Datagram> packets(short[] pcm48) {
        List<Datagram> out = new ArrayList<>();
        byte[] opus = new byte[1500];
        for (int off = 0; off + FRAME <= pcm48.length; off += FRAME) {
            int n;
            try {
                n = encoder.encode(pcm48, off, FRAME, opus, 0, opus.length);
            } catch (OpusException e) {
                throw new IllegalStateException(e);
            }
            frames++;
            if (n > 2) {
                out.add(new Datagram(frames * 20_000_000L,
                        rtp(PAYLOAD_TYPE, sequence++ & 0xffff, timestamp, ssrc, opus, n)));
            }
            timestamp += FRAME;
        }
        return out;
    }

    /** The packet the tap's receiver makes of a datagram of this stream (arrived at time 0). */
    static RtpPacket packet(Datagram d) {
        ByteBuffer b = ByteBuffer.wrap(d.data());
        return new RtpPacket(b.getShort(2) & 0xffff, b.getInt(4), Arrays.copyOfRange(d.data(), 12, d.data().length), 0);
    }

    static byte[] rtp(int payloadType, int sequence, int timestamp, int ssrc, byte[] payload, int length) {
        return ByteBuffer.allocate(12 + length)
                .put((byte) 0x80).put((byte) payloadType).putShort((short) sequence).putInt(timestamp).putInt(ssrc)
                .put(payload, 0, length).array();
    }

    /**
     * One datagram of each kind the tap must drop: five malformed (too short, version 0, an extension and padding
     * longer than the datagram, larger than the receive buffer), an RTCP report, {@code liveSsrc} with another
     * payload type, and {@code unknownSsrc}.
     */
    static List<byte[]> garbage(int liveSsrc, int unknownSsrc, byte[] opus) {
        byte[] padded = header(0xa0, PAYLOAD_TYPE, liveSsrc, 20);
        padded[19] = (byte) 200;
        return List.of(
                new byte[5],
                header(0x00, PAYLOAD_TYPE, liveSsrc, 20),
                header(0x90, PAYLOAD_TYPE, liveSsrc, 16),
                padded,
                new byte[RtpReceiver.MAX_DATAGRAM + 100],
                header(0x80, 200, liveSsrc, 28),
                rtp(0, 5, 0, liveSsrc, opus, opus.length),
                rtp(PAYLOAD_TYPE, 5, 0, unknownSsrc, opus, opus.length));
    }

    private static byte[] header(int b0, int b1, int ssrc, int length) {
        return ByteBuffer.allocate(length).put((byte) b0).put((byte) b1).putShort((short) 1).putInt(0).putInt(ssrc)
                .array();
    }

    /**
     * Sends datagrams in list order, each when due (relative to the first call's start) or at once if it is overdue:
     * moving a packet later in the list delivers it late, out of order.
     */
    static void send(DatagramSocket socket, InetSocketAddress to, List<Datagram> datagrams)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime() - (datagrams.isEmpty() ? 0 : datagrams.get(0).dueNanos());
        for (Datagram d : datagrams) {
            long wait = t0 + d.dueNanos() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            socket.send(new DatagramPacket(d.data(), d.data().length, to));
        }
    }

    /**
     * The oracle: what a receiver must make of these datagrams when none is lost or out of order, i.e. each payload
     * in list order through a fresh decoder, decimated to 16 kHz.
     */
    public static short[] decode(List<Datagram> datagrams) {
        OpusDecoder decoder;
        try {
            decoder = new OpusDecoder(48_000, 1);
        } catch (OpusException e) {
            throw new IllegalStateException(e);
        }
        Decimator48To16 decimator = new Decimator48To16();
        short[] frame = new short[5760];
        short[] out = new short[0];
        for (Datagram d : datagrams) {
            int n;
            try {
                n = decoder.decode(d.data(), 12, d.data().length - 12, frame, 0, frame.length, false);
            } catch (OpusException e) {
                throw new IllegalStateException(e);
            }
            out = Audio.concat(out, decimator.process(frame, 0, n));
        }
        return out;
    }
}

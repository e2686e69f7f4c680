package io.babelcall.pipeline.tap;

/**
 * Parses the fixed RTP header (RFC 3550 section 5.1) of a datagram in place, without allocating: the receiver reuses
 * one instance for every datagram and copies the payload only for a stream it knows. Checks version 2, the CSRC list,
 * the header extension and the padding against the datagram's length. Not thread-safe.
 */
final class RtpHeader {

    static final int FIXED_LENGTH = 12;

    int payloadType;
    int sequence;
    int timestamp;
    int ssrc;
    int payloadOffset;
    int payloadLength;

    /** Reads {@code length} bytes of {@code data}; null when it is an RTP packet, else the drop reason. */
    String parse(byte[] data, int length) {
        if (length < FIXED_LENGTH) {
            return TapMetrics.MALFORMED;
        }
        int b0 = data[0] & 0xff;
        int b1 = data[1] & 0xff;
        if (b0 >>> 6 != 2) {
            return TapMetrics.MALFORMED;
        }
        // RTCP multiplexed on the port (RFC 5761): packet types 192-223 occupy the marker + payload type byte
        if (b1 >= 192 && b1 <= 223) {
            return TapMetrics.RTCP;
        }
        payloadType = b1 & 0x7f;
        sequence = ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        timestamp = readInt(data, 4);
        ssrc = readInt(data, 8);
        int offset = FIXED_LENGTH + 4 * (b0 & 0x0f);
        if ((b0 & 0x10) != 0) { // header extension: 16-bit profile, 16-bit length in 32-bit words
            if (offset + 4 > length) {
                return TapMetrics.MALFORMED;
            }
            offset += 4 + 4 * (((data[offset + 2] & 0xff) << 8) | (data[offset + 3] & 0xff));
        }
        int end = length;
        if ((b0 & 0x20) != 0) { // padding: its length is the last byte
            int padding = data[length - 1] & 0xff;
            if (padding == 0) {
                return TapMetrics.MALFORMED;
            }
            end -= padding;
        }
        if (offset >= end) { // also catches extensions and padding that overrun the datagram
            return TapMetrics.MALFORMED;
        }
        payloadOffset = offset;
        payloadLength = end - offset;
        return null;
    }

    /** The packet, its payload copied. */
    RtpPacket toPacket(byte[] data, long arrivalNanos) {
        byte[] payload = new byte[payloadLength];
        System.arraycopy(data, payloadOffset, payload, 0, payloadLength);
        return new RtpPacket(sequence, timestamp, payload, arrivalNanos);
    }

    private static int readInt(byte[] d, int at) {
        return ((d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }
}

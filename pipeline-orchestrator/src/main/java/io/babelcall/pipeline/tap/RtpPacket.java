package io.babelcall.pipeline.tap;

/**
 * One received RTP packet of a known stream, its payload copied out of the receive buffer.
 *
 * @param sequence     16-bit sequence number (0-65535)
 * @param timestamp    32-bit RTP timestamp (48 kHz clock for Opus), as a signed int: differences wrap correctly
 * @param arrivalNanos {@link System#nanoTime()} when the datagram was read from the socket
 */
// ArrayRecordComponent: a carrier of bytes handed on once, never compared, hashed or printed
@SuppressWarnings("ArrayRecordComponent")
record RtpPacket(int sequence, int timestamp, byte[] payload, long arrivalNanos) {
}

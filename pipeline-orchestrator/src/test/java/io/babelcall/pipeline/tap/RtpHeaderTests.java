package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RtpHeaderTests {

    private final RtpHeader header = new RtpHeader();

    private static ByteBuffer packet(int b0, int b1, int length) {
        return ByteBuffer.allocate(length).put((byte) b0).put((byte) b1).putShort((short) 0xfffe)
                .putInt(0x80000001).putInt(0xdeadbeef);
    }

    @Test
    void readsTheFixedHeader() {
        byte[] p = packet(0x80, 0x80 | 111, 15).put(new byte[] {1, 2, 3}).array();
        assertThat(header.parse(p, p.length)).isNull();
        assertThat(header.payloadType).isEqualTo(111); // marker bit stripped
        assertThat(header.sequence).isEqualTo(0xfffe);
        assertThat(header.timestamp).isEqualTo(0x80000001);
        assertThat(header.ssrc).isEqualTo(0xdeadbeef);
        RtpPacket packet = header.toPacket(p, 42);
        assertThat(packet.payload()).containsExactly(1, 2, 3);
        assertThat(packet.arrivalNanos()).isEqualTo(42);
    }

    @Test
    void skipsCsrcsAndTheHeaderExtensionAndStripsPadding() {
        ByteBuffer b = packet(0xb2, 111, 12 + 8 + 8 + 2 + 3); // padding, extension, 2 CSRCs
        b.putInt(1).putInt(2); // CSRCs
        b.putShort((short) 0xbede).putShort((short) 1).putInt(0); // one-byte extension, one word
        b.put((byte) 7).put((byte) 8); // payload
        b.put((byte) 0).put((byte) 0).put((byte) 3); // 3 bytes of padding
        byte[] p = new byte[b.position()];
        b.flip().get(p);
        assertThat(header.parse(p, p.length)).isNull();
        assertThat(header.toPacket(p, 0).payload()).containsExactly(7, 8);
    }

    @Test
    void refusesWhatIsNotAnRtpPacketWithAPayload() {
        assertThat(header.parse(new byte[11], 11)).isEqualTo(TapMetrics.MALFORMED);
        byte[] v1 = packet(0x40, 111, 20).array();
        assertThat(header.parse(v1, v1.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] noPayload = packet(0x80, 111, 12).array();
        assertThat(header.parse(noPayload, noPayload.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] csrcOverrun = packet(0x8f, 111, 20).array(); // 15 CSRCs announced
        assertThat(header.parse(csrcOverrun, csrcOverrun.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] extensionOverrun = packet(0x90, 111, 20).putShort((short) 0xbede).putShort((short) 100).array();
        assertThat(header.parse(extensionOverrun, extensionOverrun.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] extensionCut = packet(0x90, 111, 14).array();
        assertThat(header.parse(extensionCut, extensionCut.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] paddingOverrun = packet(0xa0, 111, 16).array();
        paddingOverrun[15] = (byte) 200;
        assertThat(header.parse(paddingOverrun, paddingOverrun.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] zeroPadding = packet(0xa0, 111, 16).array();
        assertThat(header.parse(zeroPadding, zeroPadding.length)).isEqualTo(TapMetrics.MALFORMED);
        byte[] rtcp = packet(0x80, 200, 28).array();
        assertThat(header.parse(rtcp, rtcp.length)).isEqualTo(TapMetrics.RTCP);
    }
}

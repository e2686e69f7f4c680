package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.pipeline.support.Audio;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class TapDecoderTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TapDecoder decoder = new TapDecoder(new TapMetrics(registry));
    /** 20 ms Opus packets of a voice-like signal, consecutive timestamps from 0x12345678. */
    private final List<RtpPacket> packets = packets(Audio.voice(48_000, 1.0));

    private static List<RtpPacket> packets(short[] pcm48) {
        return new OpusRtpStream(1, 0, false).packets(pcm48).stream().map(OpusRtpStream::packet).toList();
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private static boolean silent(short[] pcm, int from, int to) {
        for (int i = from; i < to; i++) {
            if (pcm[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void eachPacketBecomesItsDurationAt16kHz() {
        assertThat(decoder.decode(packets.get(0), 0)).hasSize(320);
        assertThat(decoder.decode(packets.get(1), 0)).hasSize(320);
    }

    @Test
    void aTimestampGapWithoutLossIsSilenceOfThatLength() {
        decoder.decode(packets.get(0), 0);
        short[] out = decoder.decode(packets.get(10), 0); // DTX: 9 frames not sent, sequence numbers continuous
        assertThat(out).hasSize(10 * 320);
        // the decimator's 127-tap filter spans 42 output samples: the edges carry the neighbouring voice
        assertThat(silent(out, 64, 9 * 320 - 64)).isTrue();
        assertThat(silent(out, 9 * 320, out.length)).isFalse();
        assertThat(count("babelcall.rtp.concealed")).isZero();
    }

    @Test
    void lostPacketsAreConcealedForTheirDuration() {
        decoder.decode(packets.get(0), 0);
        decoder.decode(packets.get(1), 0);
        short[] out = decoder.decode(packets.get(4), 2); // 2 and 3 lost
        assertThat(out).hasSize(3 * 320);
        assertThat(silent(out, 0, 2 * 320)).isFalse(); // PLC and FEC continue the voice, no hole
        assertThat(count("babelcall.rtp.concealed")).isEqualTo(2);
    }

    @Test
    void aWildTimestampJumpFillsAtMostOneSecond() {
        decoder.decode(packets.get(0), 0);
        RtpPacket far = packets.get(1);
        short[] out = decoder.decode(new RtpPacket(far.sequence(), far.timestamp() + 100_000_000, far.payload(), 0), 0);
        assertThat(out).hasSize(16_000 + 320);
    }

    @Test
    void anUndecodablePayloadIsConcealedAndCounted() {
        decoder.decode(packets.get(0), 0);
        RtpPacket next = packets.get(1);
        byte[] invalid = {(byte) 0x03, 0x00}; // code 3 with zero frames: not an Opus packet
        short[] out = decoder.decode(new RtpPacket(next.sequence(), next.timestamp(), invalid, 0), 0);
        assertThat(out).hasSize(320);
        assertThat(count("babelcall.rtp.dropped", "reason", "undecodable")).isEqualTo(1);
        assertThat(count("babelcall.rtp.concealed")).isEqualTo(1);
        assertThat(decoder.decode(packets.get(2), 0)).hasSize(320); // and the stream goes on
    }

    @Test
    void silenceMovesTheTimelineOnSoTheNextGapIsOnlyTheRest() {
        decoder.decode(packets.get(0), 0);
        assertThat(decoder.silence(5 * 960)).hasSize(5 * 320);
        assertThat(decoder.decode(packets.get(10), 0)).hasSize(5 * 320); // 4 more frames of gap + the packet
    }
}

package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitterBufferTests {

    private static final long MS = 1_000_000L;
    private static final long WINDOW = 80 * MS;

    private final JitterBuffer buffer = new JitterBuffer(WINDOW);
    /** Released packets as "sequence" or "sequence(lost N)". */
    private final List<String> released = new ArrayList<>();
    private final JitterBuffer.Sink sink = (p, lost) -> released.add(p.sequence() + (lost > 0 ? "(lost " + lost + ")" : ""));

    private JitterBuffer.Offer offer(int sequence, long atMs) {
        return buffer.offer(new RtpPacket(sequence, sequence * 960, new byte[] {1}, atMs * MS), atMs * MS, sink);
    }

    @Test
    void packetsInOrderAreReleasedAtOnce() {
        for (int i = 0; i < 5; i++) {
            assertThat(offer(100 + i, 20L * i)).isEqualTo(JitterBuffer.Offer.ACCEPTED);
            assertThat(released).hasSize(i + 1);
        }
        assertThat(released).containsExactly("100", "101", "102", "103", "104");
        assertThat(buffer.holding()).isFalse();
    }

    @Test
    void aLatePacketWithinTheWindowIsPutBackInOrder() {
        offer(1, 0);
        offer(3, 40);
        offer(4, 60);
        assertThat(released).containsExactly("1");
        assertThat(buffer.holding()).isTrue();
        offer(2, 100); // 60 ms after 3 arrived: within the 80 ms window
        assertThat(released).containsExactly("1", "2", "3", "4");
        assertThat(buffer.holding()).isFalse();
    }

    @Test
    void aGapIsGivenUpAfterTheWindowAndTheMissingPacketIsThenLate() {
        offer(1, 0);
        offer(3, 40);
        buffer.flush((40 + 79) * MS, sink); // 3 has waited 79 ms
        assertThat(released).containsExactly("1");
        buffer.flush((40 + 80) * MS, sink);
        assertThat(released).containsExactly("1", "3(lost 1)");
        assertThat(offer(2, 130)).isEqualTo(JitterBuffer.Offer.LATE);
        offer(4, 140);
        assertThat(released).containsExactly("1", "3(lost 1)", "4");
    }

    @Test
    void aLaterArrivalAlsoReleasesWhatWaitedTheWindow() {
        offer(10, 0);
        offer(12, 20); // 11 lost
        offer(13, 60);
        assertThat(released).containsExactly("10");
        offer(14, 100); // 12 has waited 80 ms
        assertThat(released).containsExactly("10", "12(lost 1)", "13", "14");
    }

    @Test
    void sequenceNumbersWrapAround() {
        offer(65534, 0);
        offer(65535, 20);
        offer(1, 40); // 0 comes late, within the window
        offer(0, 50);
        offer(2, 60);
        assertThat(released).containsExactly("65534", "65535", "0", "1", "2");
        offer(4, 80); // 3 lost
        buffer.flush(200 * MS, sink);
        assertThat(released).endsWith("4(lost 1)");
    }

    @Test
    void aLossAcrossTheWrapIsCountedRight() {
        offer(65533, 0);
        offer(1, 20); // 65534, 65535 and 0 lost
        buffer.flush(100 * MS, sink);
        assertThat(released).containsExactly("65533", "1(lost 3)");
    }

    @Test
    void duplicatesAreRefusedWhetherHeldOrReleased() {
        offer(1, 0);
        offer(3, 20);
        assertThat(offer(3, 25)).isEqualTo(JitterBuffer.Offer.DUPLICATE);
        assertThat(offer(1, 30)).isEqualTo(JitterBuffer.Offer.LATE);
        offer(2, 40);
        assertThat(offer(2, 45)).isEqualTo(JitterBuffer.Offer.LATE);
        assertThat(released).containsExactly("1", "2", "3");
    }

    @Test
    void aJumpBeyondTheBufferReleasesWhatIsHeldAndContinuesFromTheNewNumber() {
        offer(1, 0);
        offer(3, 20); // held behind 2
        offer(1000, 40);
        assertThat(released).containsExactly("1", "3(lost 1)", "1000(lost 996)");
        offer(1001, 60);
        assertThat(released).endsWith("1001");
        assertThat(offer(999, 70)).isEqualTo(JitterBuffer.Offer.LATE);
    }

    @Test
    void releaseAllGivesUpEveryGap() {
        offer(1, 0);
        offer(3, 20);
        offer(6, 30);
        buffer.releaseAll(35 * MS, sink);
        assertThat(released).containsExactly("1", "3(lost 1)", "6(lost 2)");
        assertThat(buffer.holding()).isFalse();
    }
}

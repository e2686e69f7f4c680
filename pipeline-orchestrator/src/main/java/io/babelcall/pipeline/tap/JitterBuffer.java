package io.babelcall.pipeline.tap;

/**
 * Puts one stream's packets back in sequence order. A packet that continues the sequence is released at once; one
 * that arrives after a gap is held until the missing packets come or until the first held packet has waited the
 * window ({@code babelcall.tap.jitter-window}), when the gap is given up as lost (the release says how many packets
 * were lost before it, for concealment). A packet behind what was already released (too late, or a duplicate of a
 * released packet) and a duplicate of a held one are refused. Sequence numbers are extended to 64 bits, so the 16-bit
 * wrap-around is seamless; a jump of {@value #CAPACITY} or more packets (a restarted sender, a long outage) releases
 * everything held and continues from the new number.
 *
 * <p>No clock of its own: callers pass {@link System#nanoTime()}-like times, and call {@link #flush} when time has
 * passed without packets. One instance per stream; not thread-safe.
 */
final class JitterBuffer {

    /** Receives packets in order; {@code lost} packets are missing just before this one. */
    interface Sink {
        void release(RtpPacket packet, int lost);
    }

    enum Offer { ACCEPTED, LATE, DUPLICATE }

    /** Packets that can be held: 1.28 s of 20 ms packets, far more than any window allows. Power of two. */
    static final int CAPACITY = 64;
    private static final int MASK = CAPACITY - 1;

    private final long windowNanos;
    private final RtpPacket[] slots = new RtpPacket[CAPACITY];
    /** Extended sequence number expected next; -1 before the first packet. */
    private long next = -1;
    private int held;

    JitterBuffer(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    /** Takes a packet received at {@code now} and releases every packet that is due. */
    Offer offer(RtpPacket packet, long now, Sink sink) {
        if (next < 0) {
            next = 1L << 16 | packet.sequence(); // room below for packets that precede the first one
        }
        long ext = next + (short) (packet.sequence() - (int) next); // nearest to next, across the wrap
        long ahead = ext - next;
        if (ahead < 0) {
            return Offer.LATE;
        }
        if (ahead >= CAPACITY) {
            drain(Long.MAX_VALUE, now, sink);
            int lost = (int) Math.min(Integer.MAX_VALUE, ext - next);
            next = ext + 1;
            sink.release(packet, lost);
            return Offer.ACCEPTED;
        }
        int slot = (int) (ext & MASK);
        if (slots[slot] != null) {
            return Offer.DUPLICATE; // the slot holds exactly this sequence number: [next, next + CAPACITY) fits
        }
        slots[slot] = packet;
        held++;
        drain(windowNanos, now, sink);
        return Offer.ACCEPTED;
    }

    /** Releases what has waited the window by {@code now}. */
    void flush(long now, Sink sink) {
        drain(windowNanos, now, sink);
    }

    /** Releases everything held, gaps given up (end of stream). */
    void releaseAll(long now, Sink sink) {
        drain(Long.MAX_VALUE, now, sink);
    }

    /** Whether packets are held behind a gap. */
    boolean holding() {
        return held > 0;
    }

    private void drain(long patienceNanos, long now, Sink sink) {
        int lost = 0;
        while (held > 0) {
            int slot = (int) (next & MASK);
            RtpPacket p = slots[slot];
            if (p != null) {
                slots[slot] = null;
                held--;
                next++;
                sink.release(p, lost);
                lost = 0;
                continue;
            }
            if (patienceNanos != Long.MAX_VALUE && now - oldestHeldArrival() < patienceNanos) {
                return;
            }
            while (slots[(int) (next & MASK)] == null) { // give the gap up: skip to the first held packet
                next++;
                lost++;
            }
        }
    }

    private long oldestHeldArrival() {
        long oldest = Long.MAX_VALUE;
        boolean any = false;
        for (RtpPacket p : slots) {
            if (p != null && (!any || p.arrivalNanos() - oldest < 0)) {
                oldest = p.arrivalNanos();
                any = true;
            }
        }
        return oldest;
    }
}

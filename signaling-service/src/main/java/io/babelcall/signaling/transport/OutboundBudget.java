package io.babelcall.signaling.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Characters written to all of a replica's sockets and not yet on the wire. Frames waiting to be written sit in
 * Netty's direct memory, which is small and shared by every socket (and Lettuce): past {@code limit}, a socket holding
 * more than {@code fairShare} is closed as a slow consumer before the replica runs out of it, while sockets with the
 * usual few hundred bytes in flight carry on.
 */
public final class OutboundBudget {

    private final AtomicLong queued = new AtomicLong();
    private final long limit;
    private final int fairShare;

    public OutboundBudget(long limit, int fairShare) {
        this.limit = limit;
        this.fairShare = fairShare;
    }

    /** Counts {@code chars} more for a socket that would then hold {@code socketQueued}; false if it must go. */
    boolean take(int chars, int socketQueued) {
        if (queued.addAndGet(chars) > limit && socketQueued > fairShare) {
            queued.addAndGet(-chars);
            return false;
        }
        return true;
    }

    void giveBack(int chars) {
        queued.addAndGet(-chars);
    }

    /** Characters queued on the replica now. */
    public long queued() {
        return queued.get();
    }
}

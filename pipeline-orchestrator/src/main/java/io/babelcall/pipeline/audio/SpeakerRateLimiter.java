package io.babelcall.pipeline.audio;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The audio rate limit of each speaker on this replica: one token bucket per (room, participant), shared by that
 * speaker's successive streams, so reconnecting gives no fresh allowance. A bucket holds up to {@code rate-burst} of
 * audio (full at the start) and refills at {@code max-realtime-factor} x real time (a little above 1, so credit lost
 * to a network stall comes back and clock drift does not add up); a frame it cannot pay for ends the stream with
 * {@link AudioRejection#TOO_FAST}. The engines never see that audio.
 */
public final class SpeakerRateLimiter {

    /** Opens between sweeps of buckets no stream uses any more and that have refilled (as good as new). */
    private static final int SWEEP_EVERY = 64;

    private final double factor;
    private final long burstNanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger opens = new AtomicInteger();

    /**
     * A bucket of audio time.
     *
     * @param factor     refill rate, in seconds of audio per second
     * @param burstNanos bucket size, in audio nanoseconds
     */
    public SpeakerRateLimiter(double factor, long burstNanos) {
        this.factor = factor;
        this.burstNanos = burstNanos;
    }

    /** The bucket of one speaker, for one stream; close it when the stream ends. */
    public Bucket open(String roomId, String participantId, long nowNanos) {
        if (opens.incrementAndGet() % SWEEP_EVERY == 0) {
            for (String key : buckets.keySet()) { // per key, atomically with open() of the same speaker
                buckets.computeIfPresent(key, (k, b) -> b.forgettable(nowNanos) ? null : b);
            }
        }
        return buckets.compute(roomId + " " + participantId, (k, b) -> {
            Bucket bucket = b != null ? b : new Bucket(nowNanos);
            bucket.use();
            return bucket;
        });
    }

    int size() {
        return buckets.size();
    }

    /** One speaker's allowance; its methods are safe to call from any stream of that speaker. */
    public final class Bucket implements AutoCloseable {

        private long creditNanos = burstNanos;
        private long lastNanos;
        private int users;

        private Bucket(long nowNanos) {
            this.lastNanos = nowNanos;
        }

        /** Pays for {@code samples} of audio at {@code sampleRate} that arrived at {@code nowNanos}, or rejects them. */
        public synchronized void take(int samples, int sampleRate, long nowNanos) {
            refill(nowNanos);
            long cost = samples * 1_000_000_000L / sampleRate;
            if (cost > creditNanos) {
                throw new AudioRejectedException(AudioRejection.TOO_FAST, String.format(
                        "audio faster than %.2fx real time beyond a %.1f s burst (limit per speaker)", factor,
                        burstNanos / 1e9));
            }
            creditNanos -= cost;
        }

        private void refill(long nowNanos) {
            long elapsed = nowNanos - lastNanos;
            if (elapsed > 0) {
                double refilled = creditNanos + elapsed * factor;
                creditNanos = refilled >= burstNanos ? burstNanos : (long) refilled;
                lastNanos = nowNanos;
            }
        }

        private synchronized void use() {
            users++;
        }

        private synchronized boolean forgettable(long nowNanos) {
            refill(nowNanos);
            return users == 0 && creditNanos >= burstNanos;
        }

        @Override
        public synchronized void close() {
            users--;
        }
    }
}

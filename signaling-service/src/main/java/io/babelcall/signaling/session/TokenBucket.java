package io.babelcall.signaling.session;

/** Per-session rate limit: {@code perSecond} sustained with bursts of {@code burst}. Used by one thread at a time. */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(int perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}

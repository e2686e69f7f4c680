package io.babelcall.support.redis;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection a bean must make while the context starts (a pub/sub connection is opened by its constructor), tried
 * again for a while instead of failing the start at once: Redis may still be starting next to this service, or a
 * busy host may stretch the connection's handshake past the command time-out. Readiness stays down meanwhile (the
 * context is not started); after {@code patience} the last failure is thrown and the start fails as before.
 */
public final class StartupRetry {

    private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(2);

    private StartupRetry() {
    }

    public static <T> T connect(String what, Duration patience, Supplier<T> attempt) {
        long deadline = System.nanoTime() + patience.toNanos();
        Duration pause = FIRST_PAUSE;
        for (int tries = 1; ; tries++) {
            try {
                return attempt.get();
            } catch (RuntimeException e) {
                if (System.nanoTime() + pause.toNanos() > deadline) {
                    throw e;
                }
                log.warn("{}: try {} failed ({}); trying again in {} ms", what, tries, e.getMessage(), pause.toMillis());
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to connect", e);
        }
    }
}

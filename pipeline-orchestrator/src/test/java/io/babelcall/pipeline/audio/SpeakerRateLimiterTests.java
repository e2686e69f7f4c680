package io.babelcall.pipeline.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-speaker token bucket on a synthetic clock: burst, refill rate, cap, sharing across streams, forgetting. */
class SpeakerRateLimiterTests {

    static final long S = 1_000_000_000L;
    static final int RATE = 16_000;

    final SpeakerRateLimiter limiter = new SpeakerRateLimiter(1.05, 3 * S);

    @Test
    void aSpeakerMaySendTheBurstAtOnceThenOnlyAboutRealTime() {
        SpeakerRateLimiter.Bucket b = limiter.open("r", "p", 0);
        b.take(3 * RATE, RATE, 0); // the whole burst at once
        assertThatThrownBy(() -> b.take(RATE / 100, RATE, 0)).isInstanceOfSatisfying(AudioRejectedException.class,
                e -> assertThat(e.rejection()).isEqualTo(AudioRejection.TOO_FAST));
        // 10 s later it has refilled 10.5 s at 1.05x, capped at the 3 s burst
        b.take(3 * RATE, RATE, 10 * S);
        assertThatThrownBy(() -> b.take(RATE / 10, RATE, 10 * S)).isInstanceOf(AudioRejectedException.class);
        // real time forever is fine; 1.1x is not
        long t = 20 * S;
        for (int i = 0; i < 6000; i++, t += S / 50) { // 2 minutes of 20 ms frames at real time
            b.take(RATE / 50, RATE, t);
        }
        SpeakerRateLimiter.Bucket fast = limiter.open("r", "fast", 0);
        long ft = 0;
        int frames = 0;
        try {
            for (; frames < 100_000; frames++, ft += (long) (S / 50 / 1.1)) {
                fast.take(RATE / 50, RATE, ft);
            }
        } catch (AudioRejectedException e) {
            // the 3 s burst drains at 0.05 s per second of 1.1x: after ~60 s of audio
            assertThat(frames * 0.02).isBetween(55.0, 70.0);
        }
        assertThat(frames).isLessThan(100_000);
    }

    @Test
    void theSpeakersNextStreamSharesTheBucketAndAnotherSpeakerHasItsOwn() {
        SpeakerRateLimiter.Bucket first = limiter.open("r", "p", 0);
        first.take(2 * RATE, RATE, 0);
        first.close();
        SpeakerRateLimiter.Bucket second = limiter.open("r", "p", S / 10); // reconnected 100 ms later
        assertThatThrownBy(() -> second.take(2 * RATE, RATE, S / 10)).isInstanceOf(AudioRejectedException.class);
        limiter.open("r", "other", S / 10).take(3 * RATE, RATE, S / 10);
        limiter.open("other-room", "p", S / 10).take(3 * RATE, RATE, S / 10);
    }

    @Test
    void bucketsNoStreamUsesAreForgottenOnceRefilled() {
        for (int i = 0; i < 62; i++) {
            SpeakerRateLimiter.Bucket b = limiter.open("r", "p" + i, 0);
            b.take(RATE, RATE, 0);
            b.close();
        }
        SpeakerRateLimiter.Bucket inUse = limiter.open("r", "busy", 0);
        assertThat(limiter.size()).isEqualTo(63);
        limiter.open("r", "late", 2 * S); // the 64th open sweeps: after 2 s the others have refilled 1 s at 1.05x
        assertThat(limiter.size()).isEqualTo(2); // "busy" (still open) and "late"
        inUse.close();
    }

    @Test
    void theBurstMustHoldAtLeastOneFrame() {
        assertThatThrownBy(() -> new AudioProperties(65536, Duration.ofMillis(10), Duration.ofMillis(100), 1.05,
                Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("rate-burst");
    }
}

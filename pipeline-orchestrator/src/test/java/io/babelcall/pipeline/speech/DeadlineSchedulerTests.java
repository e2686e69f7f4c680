package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

class DeadlineSchedulerTests {

    @Test
    void aTimeOutFiresAboutOnTimeAndACancelledDeadlineNever() throws Exception {
        DeadlineScheduler deadlines = new DeadlineScheduler(10);
        try {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Mono.never().timeout(Duration.ofMillis(200), deadlines).block())
                    .hasCauseInstanceOf(TimeoutException.class);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(190L, 1_000L);

            AtomicBoolean ran = new AtomicBoolean();
            Disposable cancelled = deadlines.schedule(() -> ran.set(true), 100, TimeUnit.MILLISECONDS);
            cancelled.dispose();
            CountDownLatch later = new CountDownLatch(1);
            deadlines.schedule(later::countDown, 300, TimeUnit.MILLISECONDS);
            assertThat(later.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).isFalse();

            // a value in time wins, and its deadline does not fire afterwards
            assertThat(Mono.just("ok").timeout(Duration.ofMillis(50), deadlines).block()).isEqualTo("ok");
        } finally {
            deadlines.dispose();
        }
    }
}

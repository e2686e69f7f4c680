package io.babelcall.pipeline.stt.pocketsphinx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Decode threads take rooms in turn: room B's one task is not queued behind all of room A's. */
class RoomFairThreadsTests {

    @Test
    void roomsTakeTurnsAndQueuedWorkFinishesAtShutdown() throws Exception {
        RoomFairThreads threads = new RoomFairThreads("test-", 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        threads.execute("A", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue(); // the only thread is busy: the rest queues
        for (int i = 1; i <= 3; i++) {
            String name = "A" + i;
            threads.execute("A", () -> order.add(name));
        }
        threads.execute("B", () -> order.add("B1"));
        threads.execute("C", () -> order.add("C1"));
        threads.execute("B", () -> order.add("B2"));
        release.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("A1", "B1", "C1", "A2", "B2", "A3");
        assertThatThrownBy(() -> threads.execute("A", () -> { })).isInstanceOf(RejectedExecutionException.class);
    }
}

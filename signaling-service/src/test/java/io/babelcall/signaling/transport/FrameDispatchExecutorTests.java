package io.babelcall.signaling.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The executor without Tomcat: what is not a WebSocket socket event goes to the request pool; spare frame workers. */
class FrameDispatchExecutorTests {

    @Test
    void plainTasksRunOnTheRequestPool() throws Exception {
        try (FrameDispatchExecutor executor = new FrameDispatchExecutor(2, 1, 4, "t")) {
            CompletableFuture<String> thread = new CompletableFuture<>();
            executor.execute(() -> thread.complete(Thread.currentThread().getName()));
            assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("t-exec-");
            assertThat(executor.requestsDispatched()).isEqualTo(1);
            assertThat(executor.framesDispatched()).isZero();
        }
    }

    /**
     * Frame workers that wait (as Lettuce's blocking calls do, in CompletableFuture.get) get spare workers, but at most
     * as many as Tomcat's pool had threads: the rest queue and all finish once the wait ends.
     */
    @Test
    void spareWorkersForWaitingFramesAreCapped() throws Exception {
        try (FrameDispatchExecutor executor = new FrameDispatchExecutor(1, 1, 2, "t")) {
            CompletableFuture<Void> redis = new CompletableFuture<>();
            AtomicInteger waiting = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                executor.frameWorkers().execute(() -> {
                    waiting.incrementAndGet();
                    redis.join();
                    done.countDown();
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> waiting.get() == 3); // 1 worker + 2 spares
            Thread.sleep(200); // no fourth thread appears
            assertThat(waiting.get()).isEqualTo(3);
            assertThat(executor.frameWorkers().getPoolSize()).isLessThanOrEqualTo(3);
            redis.complete(null);
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}

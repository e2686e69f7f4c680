package io.babelcall.pipeline.engine.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundThreadsTests {

    @Test
    void aBackgroundThreadRunsAtLowerPriorityAndLeavesItsCreatorAlone() throws Exception {
        Integer creator = BackgroundThreads.currentNice();
        assertThat(creator).as("this test runs on Linux, where a thread's nice value is its own").isNotNull();
        CompletableFuture<Integer> seen = new CompletableFuture<>();
        Thread t = BackgroundThreads.factory("bg-test").newThread(() -> seen.complete(BackgroundThreads.currentNice()));
        t.start();
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(BackgroundThreads.NICE);
        assertThat(t.getName()).isEqualTo("bg-test");
        assertThat(t.isDaemon()).isTrue();
        assertThat(BackgroundThreads.currentNice()).isEqualTo(creator);
    }
}

package io.babelcall.pipeline.translation.apertium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.testsupport.LocalBinaries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's patience, with stand-in processes that speak its block protocol (NUL-ended blocks, answered in
 * order): a fresh pipeline has the start timeout to answer its first block, a loaded one the stall timeout.
 */
class ApertiumPipelineTests {

    static final Duration STALL = Duration.ofMillis(300);
    static final Duration START = Duration.ofSeconds(20);

    @BeforeAll
    static void tools() {
        LocalBinaries.require("perl", "perl");
    }

    static ApertiumPipeline pipeline(String script) {
        return new ApertiumPipeline(new ApertiumMode("eng-spa", "eng", "spa", List.of(List.of("sh", "-c", script))),
                STALL, START);
    }

    /** What the services' start-up did to every pipeline on a busy machine: killed while loading, started again. */
    @Test
    void aPipelineStillLoadingIsGivenTheStartTimeoutNotTheStallTimeout() throws Exception {
        try (ApertiumPipeline slowToLoad = pipeline("sleep 1.5; exec cat")) {
            assertThat(slowToLoad.submit("Hello.").get(10, TimeUnit.SECONDS)).isEqualTo("Hello.");
            assertThat(slowToLoad.submit("Good morning.").get(10, TimeUnit.SECONDS)).isEqualTo("Good morning.");
            assertThat(slowToLoad.starts()).isEqualTo(1);
            assertThat(slowToLoad.lastError()).isNull();
        }
    }

    @Test
    void aPipelineThatAnsweredAndThenFallsSilentIsKilledAfterTheStallTimeoutAndRestarted() throws Exception {
        // answers the first block, then reads nothing more
        try (ApertiumPipeline once = pipeline("exec perl -e '$/ = \"\\0\"; $| = 1; print scalar <STDIN>; sleep 60'")) {
            assertThat(once.submit("Hello.").get(10, TimeUnit.SECONDS)).isEqualTo("Hello.");
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> once.submit("Are you there?").get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("stalled for 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(START);
            assertThat(once.isRunning()).isFalse();

            assertThat(once.submit("Again.").get(10, TimeUnit.SECONDS)).isEqualTo("Again.");
            assertThat(once.starts()).isEqualTo(2);
        }
    }
}

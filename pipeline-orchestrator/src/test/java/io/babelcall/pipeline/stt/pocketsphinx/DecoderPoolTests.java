package io.babelcall.pipeline.stt.pocketsphinx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.jna.Pointer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the pool makes decoders (real pocketsphinx, Debian en-US model): ahead of need only between utterances. */
class DecoderPoolTests {

    private PocketsphinxLibrary lib;
    private Pointer config;
    private final AtomicInteger madeAhead = new AtomicInteger();
    private final AtomicInteger madeForWaiters = new AtomicInteger();
    private DecoderPool pool;

    @BeforeEach
    void setUp() {
        lib = PocketsphinxLibrary.load("pocketsphinx", "sphinxbase");
        Path model = PocketsphinxFactory.DEFAULT_MODEL;
        String[] argv = {"-hmm", model.resolve("en-us").toString(), "-lm", model.resolve("en-us.lm.bin").toString(),
                "-dict", model.resolve("cmudict-en-us.dict").toString(), "-samprate", "16000", "-logfn", "/dev/null"};
        config = lib.sphinxbase.cmd_ln_parse_r(null, lib.ps.ps_args(), argv.length, argv, 1);
        assertThat(config).as("pocketsphinx arguments").isNotNull();
        pool = new DecoderPool(lib, config, 3, 1, 3, Duration.ofSeconds(20), counting(madeForWaiters),
                counting(madeAhead), null);
    }

    @AfterEach
    void tearDown() {
        pool.close();
        lib.sphinxbase.cmd_ln_free_r(config);
    }

    @Test
    void aLoneUtteranceLeavesTheCpuToItselfAndASecondSpeakerStartsTheMakingAheadAgain() throws Exception {
        pool.warmUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.idleCount() == 1);
        assertThat(madeAhead).hasValue(1);

        Decoder first = pool.acquire("room-a", (d, e) -> { });
        assertThat(first).isNotNull();
        first.start(); // a lone utterance under way: its decoder comes back at its end, none is made meanwhile
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(2))
                .until(() -> pool.totalCount() == 1 && madeAhead.get() == 1);

        // a second speaker meanwhile gets a decoder made for them at once, on the other loader; with two speaking,
        // one more is made ahead of need
        CompletableFuture<Decoder> second = new CompletableFuture<>();
        assertThat(pool.acquire("room-b", (d, e) -> {
            if (d != null) {
                second.complete(d);
            } else {
                second.completeExceptionally(e);
            }
        })).isNull();
        Decoder other = second.get(20, TimeUnit.SECONDS);
        assertThat(madeForWaiters).hasValue(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.idleCount() == 1);
        assertThat(madeAhead).hasValue(2);

        first.end();
        pool.release(first, "room-a");
        pool.release(other, "room-b");
        assertThat(pool.idleCount()).isEqualTo(3);
        assertThat(madeAhead).hasValue(2);
    }

    @Test
    void aDecoderTakenBetweenUtterancesIsReplacedWhenItsUtteranceEnds() {
        pool.warmUp();
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.idleCount() == 1);
        Decoder leased = pool.acquire("room-a", (d, e) -> { });
        leased.start();
        // its utterance ends without an end (the stream failed): it is discarded; the pool, now with nothing leased,
        // makes one ahead of need again
        pool.discard(leased, "room-a");
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.idleCount() == 1);
        assertThat(madeAhead).hasValue(2);
    }

    /** A one-thread loader that counts the decoders it starts making. */
    private static ExecutorService counting(AtomicInteger counter) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                counter.incrementAndGet();
            }
        };
    }
}

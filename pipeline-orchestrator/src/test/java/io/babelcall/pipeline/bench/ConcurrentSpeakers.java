package io.babelcall.pipeline.bench;

import static io.babelcall.pipeline.bench.PipelineBenchmark.boot;
import static io.babelcall.pipeline.bench.PipelineBenchmark.loadAverage;
import static io.babelcall.pipeline.bench.PipelineBenchmark.pct;

import java.time.Duration;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/** The benchmark's modes with several people speaking at the same moment, on the local engines. */
final class ConcurrentSpeakers {

    private ConcurrentSpeakers() {
    }

    /**
     * {@code n} real-time speakers at once with the shipped engine settings (plus {@code -Dbench.props}): first one
     * speaker alone, then {@code n} in a room each, then {@code n} in one room; each says {@code each} sentences. Prints
     * each step's end of speech -> final translation against the single speaker's, and every sentence lost or
     * degraded, with the caption statuses the listeners got.
     */
    static void atOnce(List<Sentence> speech, int n, int each) throws Exception {
        System.out.println("\n== speakers: " + n + " concurrent real-time speakers, shipped engine settings, cache off, "
                + each + " sentences each ==");
        try (ConfigurableApplicationContext ctx = boot(null, "babelcall.engines.cache.enabled=false")) {
            PipelineBenchmark.Env env = new PipelineBenchmark.Env(ctx);
            double base = step(env, speech, "1 speaker", 1, Math.max(each, 8), SpeakerRun.Layout.ROOM_EACH, -1);
            // A fresh process keeps min-idle decoders; the first burst of speakers waits while the pool grows (model
            // loading, one decoder at a time). Reported, then measured again with the pool grown, as in service.
            step(env, speech, n + " at once, fresh pool", n, 1, SpeakerRun.Layout.ROOM_EACH, base);
            step(env, speech, n + " speakers, a room each", n, each, SpeakerRun.Layout.ROOM_EACH, base);
            step(env, speech, n + " speakers in one room", n, each, SpeakerRun.Layout.ONE_ROOM, base);
        }
    }

    private static double step(PipelineBenchmark.Env env, List<Sentence> speech, String what, int n, int each,
                               SpeakerRun.Layout layout, double base) throws Exception {
        Duration cpu0 = cpu();
        SpeakerRun.Result r = SpeakerRun.run(env, speech, n, each, layout);
        double cpuShare = (cpu().minus(cpu0).toNanos() / 1e9) / r.seconds();
        double p50 = pct(r.latencies(), 50);
        System.out.printf("  %-28s end of speech -> 'es' published p50 %.0f / p95 %.0f / p99 %.0f ms%s; "
                        + "finals %d of %d sentences (lost %d, split %d); degraded %d; first interim p50 %.0f ms; "
                        + "orchestrator CPU %.0f %% of a core; load average %s%n",
                what + ":", p50, pct(r.latencies(), 95), pct(r.latencies(), 99),
                base > 0 ? String.format(" (%.2fx one speaker)", p50 / base) : "",
                r.sentences() - r.missingFinals() + r.extraFinals(), r.sentences(), r.missingFinals(), r.extraFinals(),
                r.degraded(), pct(r.firstInterims(), 50), 100 * cpuShare, loadAverage());
        r.statesSeen().forEach((state, count) -> System.out.printf("      %d x %s%n", count, state));
        return p50;
    }

    /**
     * N concurrent real-time speakers, each in a room of their own, N = 1, 2, 3, 4, 6, 8, 12, ... until the p50 of end
     * of speech -> translation is more than twice the single speaker's (or a caption degrades); decoders are raised
     * to N + 1, so this measures the CPU, not the decoder limit.
     */
    static void capacity(List<Sentence> speech, int max) throws Exception {
        System.out.println("\n== capacity: concurrent real-time speakers on the local engines (until p50 doubles) ==");
        try (ConfigurableApplicationContext ctx = boot(null, "babelcall.engines.cache.enabled=false",
                "babelcall.engines.instances.sphinx.options.max-decoders=" + (max + 1))) {
            PipelineBenchmark.Env env = new PipelineBenchmark.Env(ctx);
            double base = -1;
            int sustained = 0;
            for (int n = 1; n <= max; n = n < 4 ? n + 1 : n < 8 ? n + 2 : n + 4) {
                SpeakerRun.Result r = SpeakerRun.run(env, speech, n, 6, SpeakerRun.Layout.ROOM_EACH);
                double p50 = pct(r.latencies(), 50);
                System.out.println("  load average: " + loadAverage());
                System.out.printf("  %2d speakers: p50 %6.0f ms  p95 %6.0f ms  utterances %3d  degraded %d%n", n, p50,
                        pct(r.latencies(), 95), r.latencies().size(), r.degraded());
                if (base < 0) {
                    base = p50;
                }
                if (p50 > 2 * base || r.degraded() > 0 || r.latencies().size() < n * 6 * 0.9) {
                    System.out.printf("  -> latency doubled (or captions degraded) at %d speakers; sustained: %d%n", n,
                            sustained);
                    return;
                }
                sustained = n;
            }
            System.out.println("  -> sustained all " + sustained + " speakers tried");
        }
    }

    private static Duration cpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
}

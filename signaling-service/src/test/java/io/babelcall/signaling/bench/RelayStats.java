package io.babelcall.signaling.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Latencies per step in nanoseconds, received counts, errors. */
final class RelayStats {
    final long[][] latencies;
    final AtomicInteger[] count;
    final AtomicLong[] received;
    final AtomicLong errors = new AtomicLong();

    RelayStats(int steps, int capacity) {
        latencies = new long[steps][];
        count = new AtomicInteger[steps];
        received = new AtomicLong[steps];
        for (int i = 0; i < steps; i++) {
            latencies[i] = new long[Math.max(1, capacity)];
            count[i] = new AtomicInteger();
            received[i] = new AtomicLong();
        }
    }

    void reset(int step) {
        count[step].set(0);
        received[step].set(0);
    }

    void record(int step, long nanos) {
        received[step].incrementAndGet();
        int i = count[step].getAndIncrement();
        if (i < latencies[step].length) {
            latencies[step][i] = nanos;
        }
    }

    double[] percentiles(int step) {
        int n = Math.min(count[step].get(), latencies[step].length);
        if (n == 0) {
            return new double[] {0, 0, 0, 0};
        }
        long[] l = Arrays.copyOf(latencies[step], n);
        Arrays.sort(l);
        return new double[] {l[(int) (n * 0.50)] / 1e6, l[(int) Math.min(n - 1, n * 0.95)] / 1e6,
                l[(int) Math.min(n - 1, n * 0.99)] / 1e6, l[n - 1] / 1e6};
    }
}

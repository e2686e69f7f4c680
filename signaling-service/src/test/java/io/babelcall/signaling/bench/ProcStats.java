package io.babelcall.signaling.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** CPU and memory of a process, from /proc. */
final class ProcStats {

    /** Clock ticks per second of /proc/PID/stat. */
    static final long CLK_TCK = 100;

    private ProcStats() {
    }

    static long[] cpu(long[] pids) throws IOException {
        long[] out = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            out[i] = cpu(pids[i]);
        }
        return out;
    }

    /** utime + stime in clock ticks. */
    static long cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}

package io.babelcall.pipeline.engine.spi;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads for work that can wait (loading a model, warming a decoder) while a caption cannot: on Linux each runs at a
 * lower scheduling priority ({@code nice}), so on a busy machine the live decode threads get the CPU first. Without
 * it, the decoder made to refill the pool when the first utterance takes the ready one took as much CPU as that
 * utterance's decoding, which then fell seconds behind (docs/benchmarks/pipeline.md, round 13). Lowering a thread's
 * own priority needs no privilege; where it fails (another OS) the thread runs at normal priority.
 */
public final class BackgroundThreads {

    /** Linux nice value of background threads: CFS gives a nice-10 thread ~1/10 the share of a nice-0 one. */
    public static final int NICE = 10;

    private static final Logger log = LoggerFactory.getLogger(BackgroundThreads.class);
    private static final int PRIO_PROCESS = 0;
    private static volatile boolean warned;

    interface LibC extends Library {
        int gettid();

        int setpriority(int which, int who, int prio);

        int getpriority(int which, int who);
    }

    private static final class Holder {
        static final LibC LIBC = load();

        private static LibC load() {
            try {
                return Native.load("c", LibC.class);
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    private BackgroundThreads() {
    }

    /** A factory of daemon threads named {@code name} that lower their own priority before running anything. */
    public static ThreadFactory factory(String name) {
        return r -> {
            Thread t = new Thread(() -> {
                lowerCurrentThread();
                r.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Lowers the calling thread's priority to {@link #NICE} (on Linux a thread's nice value is its own). */
    public static void lowerCurrentThread() {
        LibC libc = Holder.LIBC;
        String failure;
        if (libc == null) {
            failure = "no C library";
        } else {
            try {
                failure = libc.setpriority(PRIO_PROCESS, libc.gettid(), NICE) == 0 ? null
                        : "setpriority failed (errno " + Native.getLastError() + ")";
            } catch (UnsatisfiedLinkError e) {
                failure = e.getMessage();
            }
        }
        if (failure != null && !warned) {
            warned = true;
            log.info("background threads run at normal priority: {}", failure);
        }
    }

    /** The calling thread's nice value, or null where it cannot be read. */
    public static Integer currentNice() {
        LibC libc = Holder.LIBC;
        if (libc == null) {
            return null;
        }
        try {
            return libc.getpriority(PRIO_PROCESS, libc.gettid());
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }
}

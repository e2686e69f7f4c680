package io.babelcall.pipeline.stt.pocketsphinx;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's tasks, run one at a time and in order on the instance's shared decode threads, a few dozen at a time
 * so other streams (first of other rooms, see {@link RoomFairThreads}) get their turn. The queue can stand still ({@link #park()}) while the stream waits for a decoder,
 * without holding a thread; {@link #resume} starts it again.
 */
final class StreamTasks {

    private static final Logger log = LoggerFactory.getLogger(StreamTasks.class);
    private static final int BUDGET = 50;

    private final RoomFairThreads threads;
    private final String room;
    private final AtomicInteger queuedTasks;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private boolean running; // guarded by tasks
    private boolean parked; // guarded by tasks

    /** @param queuedTasks counts the tasks queued over every stream of the instance */
    StreamTasks(RoomFairThreads threads, String room, AtomicInteger queuedTasks) {
        this.threads = threads;
        this.room = room;
        this.queuedTasks = queuedTasks;
    }

    void submit(Runnable task) {
        queuedTasks.incrementAndGet();
        synchronized (tasks) {
            tasks.addLast(task);
            if (running || parked) {
                return;
            }
            running = true;
        }
        execute();
    }

    /** From a running task: once it returns, nothing more runs until {@link #resume}. */
    void park() {
        synchronized (tasks) {
            parked = true;
        }
    }

    /** From a running task that parked and need not wait after all. */
    void unpark() {
        synchronized (tasks) {
            parked = false;
        }
    }

    /** From any thread: runs {@code first} before anything queued, then goes on (also before the runner parked). */
    void resume(Runnable first) {
        queuedTasks.incrementAndGet();
        synchronized (tasks) {
            tasks.addFirst(first);
            parked = false;
            if (running) {
                return;
            }
            running = true;
        }
        execute();
    }

    private void execute() {
        try {
            threads.execute(room, this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (tasks) { // shut down: nothing runs any more
                queuedTasks.addAndGet(-tasks.size());
                tasks.clear();
                running = false;
            }
        }
    }

    private void drain() {
        for (int budget = BUDGET; budget > 0; budget--) {
            Runnable next;
            synchronized (tasks) {
                next = parked ? null : tasks.pollFirst();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | LinkageError e) {
                log.error("pocketsphinx task failed", e);
            } finally {
                queuedTasks.decrementAndGet();
            }
        }
        execute(); // budget spent: back of the line
    }
}

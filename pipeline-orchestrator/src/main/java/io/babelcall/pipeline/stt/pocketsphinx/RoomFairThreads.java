package io.babelcall.pipeline.stt.pocketsphinx;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode threads of one instance, shared by room first: rooms with work take turns task by task, and within a room
 * its streams take turns (each stream queues one slice of its work at a time, see {@link StreamTasks}). When decoding
 * cannot keep up, every room gets an equal share of the threads, so a room with four busy speakers slows down its own
 * speakers, not the one speaker of another room.
 */
final class RoomFairThreads {

    private static final Logger log = LoggerFactory.getLogger(RoomFairThreads.class);

    private final Map<String, ArrayDeque<Runnable>> queues = new HashMap<>();
    private final ArrayDeque<String> turns = new ArrayDeque<>(); // rooms with queued work, next first
    private final Thread[] threads;
    private int running;
    private boolean shutdown;

    RoomFairThreads(String namePrefix, int count) {
        threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = new Thread(this::work, namePrefix + (i + 1));
            threads[i].setDaemon(true);
        }
        running = count;
        for (Thread t : threads) {
            t.start();
        }
    }

    /** Queues a task of a stream of {@code room}; refused once shut down. */
    synchronized void execute(String room, Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("decode threads shut down");
        }
        ArrayDeque<Runnable> q = queues.computeIfAbsent(room, k -> new ArrayDeque<>());
        if (q.isEmpty()) {
            turns.addLast(room);
        }
        q.addLast(task);
        notify();
    }

    /** Runs what is queued, then the threads end. */
    synchronized void shutdown() {
        shutdown = true;
        notifyAll();
    }

    synchronized boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void work() {
        while (true) {
            Runnable task;
            synchronized (this) {
                while (turns.isEmpty() && !shutdown) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        shutdown = true;
                    }
                }
                if (turns.isEmpty()) {
                    running--;
                    notifyAll();
                    return;
                }
                String room = turns.pollFirst();
                ArrayDeque<Runnable> q = queues.get(room);
                task = q.pollFirst();
                if (q.isEmpty()) {
                    queues.remove(room);
                } else {
                    turns.addLast(room); // its next task after the other rooms' turns
                }
            }
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                log.error("pocketsphinx decode task failed", e);
            }
        }
    }
}

package io.babelcall.pipeline.translation.apertium;

import io.babelcall.pipeline.engine.spi.EngineException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived Apertium pipeline (the processes of one {@code .mode}, chained with OS pipes, all in null-flush mode).
 * Each request is written as one block ended by NUL; the pipeline answers each block with one block ended by NUL, in
 * order, so several requests may be in flight and are matched first-in first-out. A pipeline that exits or stops
 * answering within {@code stallTimeout} is killed (its pending requests fail) and restarted on the next request. Until
 * a fresh pipeline has answered once it has {@code startTimeout} instead: its processes are still loading their
 * dictionaries (~0.6 s of CPU each, several seconds when the services start together on a busy machine), and killing
 * it then would only make the next request start it again from nothing.
 */
final class ApertiumPipeline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApertiumPipeline.class);

    private final ApertiumMode mode;
    private final Duration stallTimeout;
    private final Duration startTimeout;
    private Running running; // guarded by this
    private boolean closed;
    private int starts;
    private volatile String lastError;

    ApertiumPipeline(ApertiumMode mode, Duration stallTimeout, Duration startTimeout) {
        this.mode = mode;
        this.stallTimeout = stallTimeout;
        this.startTimeout = startTimeout.compareTo(stallTimeout) > 0 ? startTimeout : stallTimeout; // never shorter
    }

    String name() {
        return mode.name();
    }

    /** Sends one sentence; blocking write (call it off event loops). The future completes with the raw output block. */
    CompletableFuture<String> submit(String text) {
        byte[] block = (ApertiumStreamFormat.deformat(text) + '\0').getBytes(StandardCharsets.UTF_8);
        CompletableFuture<String> result = new CompletableFuture<>();
        Running r;
        synchronized (this) {
            if (closed) {
                throw new EngineException("apertium pipeline " + mode.name() + " is closed");
            }
            r = ensureRunning();
            synchronized (r.pending) {
                r.pending.addLast(result);
            }
            try {
                r.stdin.write(block);
                r.stdin.flush();
            } catch (IOException e) {
                kill(r, "cannot write to apertium pipeline " + mode.name() + ": " + e.getMessage());
                return result;
            }
        }
        boolean loaded = r.answered;
        long limitMs = (loaded ? stallTimeout : startTimeout).toMillis();
        CompletableFuture.delayedExecutor(limitMs, TimeUnit.MILLISECONDS).execute(() -> {
            if (!result.isDone()) {
                kill(r, "apertium pipeline " + mode.name() + (loaded ? " stalled for " : " not started within ")
                        + limitMs + " ms");
            }
        });
        return result.thenApply(ApertiumStreamFormat::reformat);
    }

    /** Starts the processes now (warm-up); failures are kept for health. */
    synchronized void start() {
        if (!closed) {
            ensureRunning();
        }
    }

    synchronized boolean isRunning() {
        return running != null && running.processes.stream().allMatch(Process::isAlive);
    }

    synchronized int starts() {
        return starts;
    }

    String lastError() {
        return lastError;
    }

    /** The process handles of the running pipeline (tests kill one to prove recovery). */
    synchronized List<Process> processes() {
        return running == null ? List.of() : List.copyOf(running.processes);
    }

    private Running ensureRunning() {
        if (running != null && running.processes.stream().allMatch(Process::isAlive)) {
            return running;
        }
        if (running != null) {
            Running dead = running;
            running = null;
            destroy(dead, "apertium pipeline " + mode.name() + " died");
        }
        List<ProcessBuilder> builders = new ArrayList<>();
        for (List<String> command : mode.commands()) {
            builders.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD));
        }
        List<Process> processes;
        try {
            processes = ProcessBuilder.startPipeline(builders);
        } catch (IOException e) {
            lastError = "cannot start apertium pipeline " + mode.name() + ": " + e.getMessage();
            throw new EngineException(lastError, e);
        }
        starts++;
        Running r = new Running(processes);
        running = r;
        Thread reader = new Thread(() -> read(r), "apertium-" + mode.name() + "-" + starts);
        reader.setDaemon(true);
        reader.start();
        lastError = null;
        log.debug("started apertium pipeline {} ({} processes)", mode.name(), processes.size());
        return r;
    }

    private void read(Running r) {
        ByteArrayOutputStream block = new ByteArrayOutputStream(256);
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = r.stdout.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != 0) {
                        block.write(buf[i]);
                        continue;
                    }
                    CompletableFuture<String> next;
                    synchronized (r.pending) {
                        next = r.pending.pollFirst();
                    }
                    String text = block.toString(StandardCharsets.UTF_8);
                    block.reset();
                    r.answered = true;
                    if (next != null) {
                        next.complete(text);
                    } else {
                        log.warn("apertium pipeline {} answered a block nobody asked for", mode.name());
                    }
                }
            }
            kill(r, "apertium pipeline " + mode.name() + " exited");
        } catch (IOException e) {
            kill(r, "apertium pipeline " + mode.name() + " failed: " + e.getMessage());
        }
    }

    private void kill(Running r, String reason) {
        synchronized (this) {
            if (running == r) {
                running = null;
                lastError = reason;
            }
        }
        destroy(r, reason);
    }

    private static void destroy(Running r, String reason) {
        if (r.dead) {
            return;
        }
        r.dead = true;
        if (!reason.endsWith("closed")) {
            log.warn("{}; restarting it on the next request", reason);
        }
        r.processes.forEach(Process::destroyForcibly);
        try {
            r.stdin.close();
        } catch (IOException ignored) {
            // already gone
        }
        List<CompletableFuture<String>> failed;
        synchronized (r.pending) {
            failed = new ArrayList<>(r.pending);
            r.pending.clear();
        }
        failed.forEach(f -> f.completeExceptionally(new EngineException(reason)));
    }

    @Override
    public void close() {
        Running r;
        synchronized (this) {
            closed = true;
            r = running;
            running = null;
        }
        if (r != null) {
            destroy(r, "apertium pipeline " + mode.name() + " closed");
        }
    }

    private static final class Running {
        final List<Process> processes;
        final OutputStream stdin;
        final InputStream stdout;
        final Deque<CompletableFuture<String>> pending = new ArrayDeque<>();
        volatile boolean dead;
        volatile boolean answered; // a block came back: the processes are loaded

        Running(List<Process> processes) {
            this.processes = processes;
            this.stdin = processes.get(0).getOutputStream();
            this.stdout = processes.get(processes.size() - 1).getInputStream();
        }
    }
}

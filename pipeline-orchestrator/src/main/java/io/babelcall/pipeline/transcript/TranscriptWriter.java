package io.babelcall.pipeline.transcript;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes finals to the room transcript so that a Redis outage loses none of them. An entry Redis does not take (its
 * command timed out, the connection is down) is kept in memory and written again every {@code retry-interval}, oldest
 * first, once Redis answers; entries made meanwhile queue behind it, so the stream keeps the order they were made in.
 * A write that timed out may still have reached Redis (a stalled server runs what it had buffered when it resumes),
 * so an entry can be stored twice: {@link TranscriptStore#read} keeps the first of each utterance.
 *
 * <p>Bounded: at most {@code backlog-max-entries} wait (the oldest is dropped for a new one) and none longer than
 * {@code backlog-max-age}; every drop is logged and counted. At shutdown the backlog gets one last chance while Redis is
 * still open (this stops right after {@code PipelineDrain}).
 */
public class TranscriptWriter implements SmartLifecycle {

    /** Right after {@code PipelineDrain} (whose utterances append here), long before Redis closes (phase 0). */
    public static final int PHASE = DEFAULT_PHASE - 769;

    private static final Logger log = LoggerFactory.getLogger(TranscriptWriter.class);
    private static final Duration LAST_CHANCE = Duration.ofSeconds(5);

    private record Pending(String roomId, TranscriptEntry entry, long queuedAtNanos) {
    }

    private final TranscriptStore store;
    private final TranscriptProperties props;
    private final LongSupplier nanoClock;
    private final Deque<Pending> backlog = new ArrayDeque<>(); // guarded by itself
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final Counter retried;
    private final Map<String, Counter> dropped = new HashMap<>();
    private volatile Disposable retries;

    public TranscriptWriter(TranscriptStore store, TranscriptProperties props, MeterRegistry registry) {
        this(store, props, registry, System::nanoTime);
    }

    /** {@code nanoClock} tells the age of a waiting entry (tests pass their own). */
    public TranscriptWriter(TranscriptStore store, TranscriptProperties props, MeterRegistry registry,
                            LongSupplier nanoClock) {
        this.store = store;
        this.props = props;
        this.nanoClock = nanoClock;
        Gauge.builder("babelcall.transcript.backlog", this, TranscriptWriter::waiting)
                .description("transcript entries Redis did not take yet, waiting to be written again")
                .register(registry);
        this.retried = Counter.builder("babelcall.transcript.rewritten")
                .description("transcript entries written on a later try, after Redis had not taken them")
                .register(registry);
        // registered up front: the alert on drops sees 0, not an absent series, before the first one
        for (String cause : List.of("overflow", "age", "shutdown")) {
            dropped.put(cause, Counter.builder("babelcall.transcript.dropped")
                    .description("transcript entries given up after Redis did not take them")
                    .tag("cause", cause).register(registry));
        }
    }

    /**
     * Appends {@code entry} to the room's transcript, or keeps it for a later try when Redis does not take it (or
     * earlier entries still wait). Completes once written or kept; never fails.
     */
    public Mono<Void> append(String roomId, TranscriptEntry entry) {
        Pending pending = new Pending(roomId, entry, nanoClock.getAsLong());
        synchronized (backlog) {
            if (!backlog.isEmpty()) {
                keep(pending);
                return Mono.empty();
            }
        }
        return store.append(roomId, entry).onErrorResume(e -> {
            log.warn("transcript of room {} did not take utterance {} ({}); kept to be written again",
                    roomId, entry.utteranceId(), e.toString());
            keep(pending);
            return Mono.empty();
        });
    }

    /** Entries waiting for Redis. */
    public int waiting() {
        synchronized (backlog) {
            return backlog.size();
        }
    }

    private void keep(Pending pending) {
        synchronized (backlog) {
            if (backlog.size() >= props.backlogMaxEntries()) {
                drop(backlog.pollFirst(), "overflow");
            }
            backlog.addLast(pending);
        }
    }

    /** Writes the waiting entries oldest first until one fails; one flush at a time. */
    void flush() {
        if (!flushing.compareAndSet(false, true)) {
            return;
        }
        Pending head;
        synchronized (backlog) {
            long now = nanoClock.getAsLong();
            while (!backlog.isEmpty() && now - backlog.peekFirst().queuedAtNanos() > props.backlogMaxAge().toNanos()) {
                drop(backlog.pollFirst(), "age");
            }
            head = backlog.peekFirst();
        }
        if (head == null) {
            flushing.set(false);
            return;
        }
        store.append(head.roomId(), head.entry()).subscribe(v -> { }, e -> {
            log.debug("transcript still not writable: {}", e.toString());
            flushing.set(false);
        }, () -> {
            synchronized (backlog) {
                backlog.remove(head);
            }
            retried.increment();
            log.info("utterance {} written to the transcript of room {} on a later try",
                    head.entry().utteranceId(), head.roomId());
            flushing.set(false);
            flush();
        });
    }

    private void drop(Pending pending, String cause) {
        log.warn("utterance {} dropped from the transcript of room {} ({}): Redis did not take it in time",
                pending.entry().utteranceId(), pending.roomId(), cause);
        dropped.get(cause).increment();
    }

    @Override
    public void start() {
        retries = Flux.interval(props.retryInterval(), Schedulers.parallel())
                .subscribe(tick -> flush());
    }

    @Override
    public void stop() {
        Disposable r = retries;
        if (r != null) {
            r.dispose();
        }
        retries = null;
        if (waiting() == 0) {
            return;
        }
        log.info("writing {} waiting transcript entries before Redis closes", waiting());
        long deadline = System.nanoTime() + LAST_CHANCE.toNanos();
        while (waiting() > 0 && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            flush(); // returns at once while a try is under way
            sleepQuietly(Duration.ofMillis(50));
        }
        synchronized (backlog) {
            while (!backlog.isEmpty()) {
                drop(backlog.pollFirst(), "shutdown");
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return retries != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}

package io.babelcall.pipeline.tap;

import io.babelcall.common.media.TapEndpoint;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.pipeline.audio.AudioStreamRegistry;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import io.babelcall.pipeline.speech.PipelineMetrics;
import io.babelcall.support.logging.CallLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The speech tap (docs/media.md): receives the RTP that Janus forwards (one UDP socket per replica), demultiplexes it
 * by SSRC and feeds each stream's audio into its speaker's pipeline, exactly like an audio WebSocket.
 *
 * <p>Per SSRC the table holds a live {@link Tap}, a look-up under way, or a block (no mapping: retried after
 * {@code unknown-ssrc-retry}; replaced by a newer stream of the speaker: until the packets stop for
 * {@code idle-timeout}). The receiver thread never waits: it parses the header in place, drops what it cannot use
 * (counted by reason) and starts at most one Redis look-up per unknown SSRC. A timer sweeps the taps (jitter flush,
 * silence during pauses, idle end), checks their mappings (a deleted or changed mapping ends the tap) and publishes
 * this replica's endpoint and load with a liveness TTL; on stop the endpoint is withdrawn first.
 */
public class SpeechTap implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SpeechTap.class);
    /** Unknown SSRCs looked up at once at most; packets of others are dropped without a look-up meanwhile. */
    static final int MAX_LOOKUPS_IN_FLIGHT = 64;
    /** SSRCs tracked at most (taps, look-ups, blocks): a flood of random SSRCs cannot grow the table further. */
    static final int MAX_TRACKED_SSRCS = 10_000;
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    private static final long SWEEP_MILLIS = 50;

    /** A look-up under way (identity matters: only its own look-up may replace it). */
    private static final class Pending {
    }

    /** Packets of an SSRC are dropped with {@code reason} until {@code untilNanos}; a sliding block is pushed on. */
    private static final class Blocked {
        final String reason;
        final boolean sliding;
        volatile long untilNanos;

        Blocked(String reason, boolean sliding, long untilNanos) {
            this.reason = reason;
            this.sliding = sliding;
            this.untilNanos = untilNanos;
        }
    }

    private final TapProperties props;
    private final TapDirectory directory;
    private final TapSink.Factory sinks;
    private final AudioStreamRegistry registry;
    private final PipelineMetrics pipelineMetrics;
    private final TapMetrics metrics;
    private final Scheduler workers;
    private final String replicaId;
    private final long windowNanos;
    private final long idleNanos;
    private final long retryNanos;
    private final Map<Integer, Object> table = new ConcurrentHashMap<>();
    private final RtpHeader header = new RtpHeader(); // receiver thread only
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicBoolean checking = new AtomicBoolean();
    private final Object heartbeatLock = new Object();
    private Mono<Void> lastHeartbeat = Mono.empty(); // guarded by heartbeatLock
    private boolean withdrawn; // guarded by heartbeatLock
    private volatile boolean accepting;
    private volatile boolean running;
    private volatile boolean heartbeatFailing;
    private RtpReceiver receiver;
    private ScheduledExecutorService timer;

    public SpeechTap(TapProperties props, TapDirectory directory, TapSink.Factory sinks, AudioStreamRegistry registry,
                     PipelineMetrics pipelineMetrics, TapMetrics metrics, Scheduler workers) {
        this.props = props;
        this.directory = directory;
        this.sinks = sinks;
        this.registry = registry;
        this.pipelineMetrics = pipelineMetrics;
        this.metrics = metrics;
        this.workers = workers;
        this.replicaId = props.replicaId().isBlank() ? UUID.randomUUID().toString() : props.replicaId();
        this.windowNanos = props.jitterWindow().toNanos();
        this.idleNanos = props.idleTimeout().toNanos();
        this.retryNanos = props.unknownSsrcRetry().toNanos();
    }

    /** This replica's id in {@code orchestrator:tap-replicas}. */
    public String replicaId() {
        return replicaId;
    }

    /** Whether packets of {@code ssrc} now go to a live tap. */
    public boolean receiving(int ssrc) {
        return table.get(ssrc) instanceof Tap;
    }

    /** The UDP port RTP is received on (the chosen one when configured as 0). */
    public int port() {
        return receiver.port();
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public synchronized void start() {
        try {
            receiver = new RtpReceiver(new InetSocketAddress(props.bindInetAddress(), props.port()),
                    props.receiveBufferBytes(), this::onDatagram);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot receive RTP on " + props.bindAddress() + ":" + props.port()
                    + " (babelcall.tap.bind-address / port): " + e.getMessage(), e);
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rtp-tap-timer");
            t.setDaemon(true);
            return t;
        });
        every(SWEEP_MILLIS, this::sweep);
        every(props.mappingCheckInterval().toMillis(), this::checkMappings);
        every(props.heartbeatInterval().toMillis(), this::heartbeat);
        accepting = true;
        running = true;
        receiver.start();
        log.info("speech tap receiving RTP on {}:{} as replica {}", props.endpointHost(), port(), replicaId);
    }

    /** Stops before the web server and Redis: withdraw the endpoint, let signaling move the taps, then end the rest. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 512;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        accepting = false;
        Mono<Void> last;
        synchronized (heartbeatLock) {
            withdrawn = true;
            last = lastHeartbeat;
        }
        try {
            last.onErrorComplete().then(directory.withdraw(replicaId)).block(REDIS_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("cannot withdraw tap endpoint of replica {}: {}", replicaId, e.toString());
        }
        awaitNoTaps(System.nanoTime() + props.shutdownDrain().toNanos()); // signaling moves the taps away
        receiver.close();
        timer.shutdownNow();
        for (Map.Entry<Integer, Object> e : table.entrySet()) {
            if (e.getValue() instanceof Tap tap) {
                endTap(tap, "shutdown", null);
            }
        }
        table.clear();
        awaitNoTaps(System.nanoTime() + REDIS_TIMEOUT.toNanos()); // utterances in progress are finalised
        running = false;
    }

    private void awaitNoTaps(long deadline) {
        while (metrics.taps() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void every(long millis, Runnable task) {
        var unused = timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("speech tap timer task failed: {}", e.toString());
            }
        }, 0, millis, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ receiver thread

    private void onDatagram(byte[] data, int length, long now) {
        String bad = header.parse(data, length);
        if (bad != null) {
            metrics.dropped(bad);
            return;
        }
        int ssrc = header.ssrc;
        Object entry = table.get(ssrc);
        if (entry instanceof Tap tap) {
            if (header.payloadType != tap.mapping.payloadType()) {
                metrics.dropped(TapMetrics.PAYLOAD_TYPE);
            } else {
                tap.offer(header.toPacket(data, now));
            }
            return;
        }
        if (entry instanceof Blocked b) {
            if (now - b.untilNanos < 0) {
                if (b.sliding) {
                    b.untilNanos = now + idleNanos;
                }
                metrics.dropped(b.reason);
                return;
            }
            table.remove(ssrc, b);
        }
        metrics.dropped(TapMetrics.UNKNOWN_SSRC); // Pending, or unknown until the look-up answers
        if (entry == null || entry instanceof Blocked) {
            lookUp(ssrc);
        }
    }

    private void lookUp(int ssrc) {
        if (!accepting || table.size() >= MAX_TRACKED_SSRCS) {
            return;
        }
        if (lookups.incrementAndGet() > MAX_LOOKUPS_IN_FLIGHT) {
            lookups.decrementAndGet();
            return;
        }
        Pending pending = new Pending();
        if (table.putIfAbsent(ssrc, pending) != null) {
            lookups.decrementAndGet();
            return;
        }
        directory.lookup(ssrc)
                .timeout(REDIS_TIMEOUT)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .doFinally(signal -> lookups.decrementAndGet())
                .subscribe(start -> {
                    if (start.isPresent()) {
                        metrics.lookup(TapMetrics.FOUND);
                        open(ssrc, pending, start.get());
                    } else {
                        metrics.lookup(TapMetrics.UNKNOWN);
                        table.replace(ssrc, pending, unknownBlock());
                    }
                }, error -> {
                    metrics.lookup(TapMetrics.ERROR);
                    log.warn("SSRC {} look-up failed: {}", Integer.toUnsignedString(ssrc), error.toString());
                    table.replace(ssrc, pending, unknownBlock());
                });
    }

    private Blocked unknownBlock() {
        return new Blocked(TapMetrics.UNKNOWN_SSRC, false, System.nanoTime() + retryNanos);
    }

    // ------------------------------------------------------------------ taps

    /** Starts the tap of a mapped SSRC, as an audio socket starts its stream (one stream per participant). */
    private void open(int ssrc, Pending pending, TapDirectory.Start start) {
        if (!accepting) {
            table.remove(ssrc, pending);
            return;
        }
        TapMapping m = start.mapping();
        // the tap is authorised by signaling's mapping, not by a token: the claims only carry who speaks
        ParticipantClaims claims = new ParticipantClaims(m.roomId(), m.participantId(),
                start.participant().displayName(), start.participant().spokenLanguage(),
                start.participant().captionLanguage(), start.participant().dubbing(), Instant.now(), null, null);
        AuthenticatedSpeaker speaker = new AuthenticatedSpeaker(claims, start.participant());
        AudioStreamRegistry.Handle handle = registry.register(m.roomId(), m.participantId());
        Tap tap = new Tap(ssrc, m, speaker, handle, sinks.open(speaker), workers.createWorker(), metrics, windowNanos,
                System.nanoTime());
        metrics.tapOpened();
        pipelineMetrics.streamOpened();
        CallLog.info(log, m.roomId(), m.participantId()).log("RTP tap of {} in room {} opened (SSRC {})",
                m.participantId(), m.roomId(), Integer.toUnsignedString(ssrc));
        if (!table.replace(ssrc, pending, tap)) { // stopped meanwhile
            endTap(tap, "shutdown", null);
            return;
        }
        handle.replaced().subscribe(null, null, () -> endTap(tap, "replaced by a newer stream of the speaker",
                new Blocked(TapMetrics.REPLACED, true, System.nanoTime() + idleNanos)));
    }

    /** Ends a tap; its table entry is removed, or replaced by {@code block}. */
    private void endTap(Tap tap, String reason, Blocked block) {
        if (block == null) {
            table.remove(tap.ssrc, tap);
        } else {
            table.replace(tap.ssrc, tap, block);
        }
        tap.end(reason, () -> {
            registry.unregister(tap.handle);
            metrics.tapClosed();
            pipelineMetrics.streamClosed();
        });
    }

    // ------------------------------------------------------------------ timer thread

    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a ConcurrentHashMap: its iterators allow removal
    private void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<Integer, Object> e : table.entrySet()) {
            Object entry = e.getValue();
            if (entry instanceof Tap tap) {
                if (now - tap.lastPacketNanos() > idleNanos) {
                    endTap(tap, "no packets for " + props.idleTimeout().toMillis() + " ms", null);
                } else {
                    tap.tick(now);
                }
            } else if (entry instanceof Blocked b && now - b.untilNanos >= 0) {
                table.remove(e.getKey(), b);
            }
        }
    }

    /** A tap whose mapping was deleted or now names someone else ends; the next packet looks the SSRC up anew. */
    private void checkMappings() {
        List<Tap> taps = new ArrayList<>();
        for (Object entry : table.values()) {
            if (entry instanceof Tap tap) {
                taps.add(tap);
            }
        }
        if (taps.isEmpty() || !checking.compareAndSet(false, true)) {
            return;
        }
        directory.mappings(taps.stream().map(t -> t.ssrc).toList())
                .timeout(REDIS_TIMEOUT)
                .doFinally(signal -> checking.set(false))
                .subscribe(current -> {
                    for (int i = 0; i < taps.size(); i++) {
                        TapMapping m = current.get(i);
                        Tap tap = taps.get(i);
                        if (m == null) {
                            endTap(tap, "mapping deleted", null);
                        } else if (!m.equals(tap.mapping)) {
                            endTap(tap, "mapping changed", null);
                        }
                    }
                }, e -> log.warn("cannot check tap mappings (taps go on): {}", e.toString()));
    }

    private void heartbeat() {
        TapEndpoint endpoint = new TapEndpoint(props.endpointHost(), port(), metrics.taps());
        synchronized (heartbeatLock) {
            if (withdrawn) {
                return;
            }
            lastHeartbeat = directory.publish(replicaId, endpoint, props.heartbeatTtl())
                    .timeout(REDIS_TIMEOUT)
                    .doOnSuccess(v -> {
                        if (heartbeatFailing) {
                            heartbeatFailing = false;
                            log.info("tap endpoint of replica {} published again", replicaId);
                        }
                    })
                    .doOnError(e -> {
                        if (!heartbeatFailing) {
                            heartbeatFailing = true;
                            log.warn("cannot publish tap endpoint of replica {}: {}", replicaId, e.toString());
                        }
                    })
                    .cache();
            lastHeartbeat.subscribe(v -> { }, e -> { });
        }
    }
}

package io.babelcall.signaling.media.tap;

import io.babelcall.signaling.config.FireAndForget;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.support.logging.CallLog;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The signaling side of the speech tap (docs/media.md, "Speech tap"): while a participant publishes on the SFU, Janus
 * forwards its audio ({@code rtp_forward}) to the least loaded orchestrator replica, under an SSRC whose mapping to
 * the room and participant is written in Redis first, so the replica's first packet finds it. When a replica's
 * endpoint disappears (stopped, or dead for its 1.5 s TTL) its forwards move to another one within
 * {@code replica-check} plus a Janus round trip: the new forward starts before the old one stops, so a replica that
 * is draining loses nothing.
 *
 * <p>All state lives on one thread ({@code speech-taps}); Redis and Janus answers hop back to it, so a forward is
 * never changed by two threads. Callers (the participants' SFU chains) only enqueue.
 */
public final class SpeechTaps implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpeechTaps.class);

    private final TapProperties props;
    private final String adminKey;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final ObjectMapper json;
    private final TapReplicas replicas;
    private final ScheduledExecutorService thread;
    private final Set<Forward> forwards = new LinkedHashSet<>();
    private final Counter moves;
    /** Counts for the gauges, recomputed on the taps' thread every tick (the scrape must not walk the set). */
    private volatile int active;
    private volatile int waiting;
    private long lastRefresh = System.nanoTime();
    private boolean warnedNoReplica;

    public SpeechTaps(TapProperties props, String adminKey, RedisClusterAsyncCommands<String, String> redis,
                      ObjectMapper json, ScheduledExecutorService thread, MeterRegistry metrics) {
        this.props = props;
        this.adminKey = adminKey;
        this.redis = redis;
        this.json = json;
        this.replicas = new TapReplicas(redis, json);
        this.thread = thread;
        this.moves = Counter.builder("babelcall_signaling_speech_tap_moves").register(metrics);
        Gauge.builder("babelcall_signaling_speech_taps", this, t -> t.active).tag("state", "active")
                .register(metrics);
        Gauge.builder("babelcall_signaling_speech_taps", this, t -> t.waiting).tag("state", "waiting")
                .register(metrics);
        long tick = props.replicaCheck().toMillis();
        var unused = thread.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts forwarding the audio stream {@code audioMid} of {@code participantId}'s publisher (joined on
     * {@code publisherHandle} of {@code janus}) to an orchestrator replica; returns at once.
     */
    public Forward start(JanusClient janus, long publisherHandle, String roomId, String participantId,
                         String audioMid) {
        Forward f = new Forward(janus, publisherHandle, roomId, participantId, audioMid);
        thread.execute(() -> {
            forwards.add(f);
            attempt(f);
        });
        return f;
    }

    @Override
    public void close() {
        thread.execute(() -> List.copyOf(forwards).forEach(Forward::stopNow));
    }

    private enum State { WAITING, STARTING, ACTIVE, STOPPED }

    // ---------------------------------------------------------------- starting and moving (taps' thread)

    private void attempt(Forward f) {
        f.state = State.STARTING;
        var unused = replicas.live().whenComplete((live, e) -> thread.execute(() -> {
            if (f.state == State.STOPPED) {
                return;
            }
            replicas.loadsRead();
            TapReplicas.Replica r = e == null ? replicas.pick(live) : null;
            if (r == null) {
                waitAndRetry(f, e == null ? "no orchestrator replica receives RTP" : "Redis: " + e);
                return;
            }
            forwardTo(f, r, 3);
        }));
    }

    private void forwardTo(Forward f, TapReplicas.Replica r, int ssrcTries) {
        long ssrc = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        String mapping = json.writeValueAsString(new TapMapping(f.roomId, f.participantId, props.payloadType()));
        String key = RedisKeys.tap(ssrc);
        var unused = redis.set(key, mapping, SetArgs.Builder.nx().px(props.mappingTtl().toMillis())).toCompletableFuture()
                .thenCompose(ok -> {
                    if (!"OK".equals(ok)) {
                        return CompletableFuture.completedFuture((Long) null); // SSRC in use: draw another
                    }
                    return f.janus.request(f.handle, rtpForward(f, r, ssrc), null).thenApply(SpeechTaps::streamId);
                })
                .whenComplete((streamId, e) -> thread.execute(() -> {
                    if (e == null && streamId == null && ssrcTries > 1) {
                        forwardTo(f, r, ssrcTries - 1);
                        return;
                    }
                    if (e != null || streamId == null || streamId < 0) {
                        if (streamId != null) {
                            // written, but Janus made no forwarder
                            FireAndForget.logFailure(redis.del(key), log, "removing an unused tap mapping");
                        }
                        waitAndRetry(f, e != null ? "Redis or Janus failed: " + e.getMessage()
                                : streamId == null ? "no free SSRC in " + 3 + " draws"
                                : "the publisher has no audio stream '" + f.mid + "'");
                        return;
                    }
                    if (f.state == State.STOPPED) {
                        stopForward(f, ssrc, streamId);
                        return;
                    }
                    if (f.streamId != 0) {
                        stopForward(f, f.ssrc, f.streamId); // the moved forward, now that the new one runs
                    }
                    f.state = State.ACTIVE;
                    f.replicaId = r.id();
                    f.ssrc = ssrc;
                    f.streamId = streamId;
                    warnedNoReplica = false;
                    try (CallLog.Scope ignored = CallLog.scope(f.roomId, f.participantId)) {
                        log.info("speech tap: audio of {} forwarded to orchestrator replica {} ({}:{}, ssrc {})",
                                f.participantId, r.id(), r.endpoint().host(), r.endpoint().port(), ssrc);
                    }
                }));
    }

    private ObjectNode rtpForward(Forward f, TapReplicas.Replica r, long ssrc) {
        ObjectNode body = f.janus.body("rtp_forward").put("room", f.roomId).put("publisher_id", f.participantId)
                .put("admin_key", adminKey).put("host", r.endpoint().host());
        body.putArray("streams").addObject().put("mid", f.mid).put("port", r.endpoint().port()).put("ssrc", ssrc)
                .put("pt", props.payloadType());
        return body;
    }

    /** The forwarder's id in Janus's answer; -1 when Janus made none (no such stream). */
    private static Long streamId(JanusClient.Reply reply) {
        JsonNode fwd = reply.data().path("forwarders");
        return fwd.isEmpty() ? -1L : fwd.get(0).path("stream_id").asLong(-1);
    }

    private void waitAndRetry(Forward f, String why) {
        f.state = State.WAITING;
        f.retryAt = System.nanoTime() + props.retryDelay().toNanos();
        try (CallLog.Scope ignored = CallLog.scope(f.roomId, f.participantId)) {
            if (!warnedNoReplica) {
                log.warn("speech tap of {} not started ({}); trying again every {} ms", f.participantId, why,
                        props.retryDelay().toMillis());
                warnedNoReplica = true;
            } else {
                log.debug("speech tap of {} not started: {}", f.participantId, why);
            }
        }
    }

    private void stopForward(Forward f, long ssrc, long streamId) {
        FireAndForget.logFailure(redis.del(RedisKeys.tap(ssrc)), log, "removing a tap mapping");
        ObjectNode stop = f.janus.body("stop_rtp_forward").put("room", f.roomId).put("publisher_id", f.participantId)
                .put("stream_id", streamId).put("admin_key", adminKey);
        f.janus.request(f.handle, stop, null).exceptionally(e -> null); // gone with its publisher or node: fine
    }

    /** Every {@code replica-check}: moves forwards off replicas that are gone, retries waiting ones, refreshes. */
    private void tick() {
        try {
            long now = System.nanoTime();
            Set<String> inUse = new HashSet<>();
            int activeNow = 0;
            for (Forward f : forwards) {
                if (f.state == State.ACTIVE) {
                    inUse.add(f.replicaId);
                    activeNow++;
                } else if (f.state == State.WAITING && now - f.retryAt >= 0) {
                    attempt(f);
                }
            }
            active = activeNow;
            waiting = forwards.size() - activeNow;
            if (!inUse.isEmpty()) {
                var unused = replicas.endpoints(inUse).thenAccept(found -> thread.execute(() -> moveOffGone(found)));
            }
            if (now - lastRefresh >= props.mappingRefresh().toNanos()) {
                lastRefresh = now;
                refreshMappings();
            }
        } catch (RuntimeException e) {
            log.warn("speech tap housekeeping failed: {}", e.toString());
        }
    }

    private void moveOffGone(Map<String, ?> liveEndpoints) {
        for (Forward f : List.copyOf(forwards)) {
            if (f.state == State.ACTIVE && !liveEndpoints.containsKey(f.replicaId)) {
                moves.increment();
                try (CallLog.Scope ignored = CallLog.scope(f.roomId, f.participantId)) {
                    log.info("speech tap of {}: orchestrator replica {} is gone, moving", f.participantId,
                            f.replicaId);
                }
                attempt(f); // the old forward stops once the new one runs
            }
        }
    }

    /** Mappings are rewritten, not only extended, so they come back after Redis lost its data. */
    private void refreshMappings() {
        for (Forward f : forwards) {
            if (f.state == State.ACTIVE) {
                String mapping = json.writeValueAsString(
                        new TapMapping(f.roomId, f.participantId, props.payloadType()));
                FireAndForget.logFailure(redis.set(RedisKeys.tap(f.ssrc), mapping,
                        SetArgs.Builder.px(props.mappingTtl().toMillis())), log, "refreshing a tap mapping");
            }
        }
    }

    /** One publisher's forwarded audio; {@link #stop()} ends it (from any thread). */
    public final class Forward {

        private final JanusClient janus;
        private final long handle;
        private final String roomId;
        private final String participantId;
        private final String mid;
        private State state = State.WAITING;
        private long retryAt;
        private String replicaId;
        private long ssrc;
        private long streamId;

        private Forward(JanusClient janus, long handle, String roomId, String participantId, String mid) {
            this.janus = janus;
            this.handle = handle;
            this.roomId = roomId;
            this.participantId = participantId;
            this.mid = mid;
        }

        /** The publisher's audio stream forwarded. */
        public String mid() {
            return mid;
        }

        /** Stops forwarding and deletes the mapping (the replica then ends the tap, finalising what was said). */
        public void stop() {
            thread.execute(this::stopNow);
        }

        private void stopNow() {
            if (streamId != 0) {
                stopForward(this, ssrc, streamId); // running, or left running by a move still under way
            }
            state = State.STOPPED;
            forwards.remove(this);
        }
    }
}

package io.babelcall.signaling.media;

import io.babelcall.signaling.media.janus.JanusClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Per Janus node, what it holds and how fast it answers, for Prometheus: rooms, participants and publishers from the
 * VideoRoom's own {@code list} (with the admin key, so the private call rooms count) and {@code listparticipants},
 * asked every {@code stats-interval} over this replica's session; the plugin handles this replica holds there; and
 * every request's round trip. A node this replica cannot reach reports NaN rather than stale counts.
 */
public final class SfuNodeStats implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SfuNodeStats.class);

    /** One poll's counts. */
    record Counts(int rooms, int participants, int publishers) {
    }

    /** Hears each node's VideoRoom {@code list} as polled (on a Janus thread: keep it short). */
    @FunctionalInterface
    public interface RoomsListener {
        /** The node's VideoRooms: the {@code list} array, with an id and a participant count per VideoRoom. */
        void listed(String nodeId, JanusClient janus, JsonNode rooms);
    }

    private final MediaProperties props;
    private final JanusNodes nodes;
    private final ScheduledExecutorService timers;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    /** A VideoRoom handle per session, for the list requests. */
    private final Map<JanusClient, CompletableFuture<Long>> handles = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final List<RoomsListener> listeners = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> task;

    public SfuNodeStats(MediaProperties props, JanusNodes nodes, ScheduledExecutorService timers) {
        this.props = props;
        this.nodes = nodes;
        this.timers = timers;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (MediaProperties.Node node : props.nodes()) {
            String id = node.id();
            gauge(registry, "babelcall.sfu.node.rooms", id, "VideoRooms on the Janus node", Counts::rooms);
            gauge(registry, "babelcall.sfu.node.participants", id, "participants in the node's VideoRooms",
                    Counts::participants);
            gauge(registry, "babelcall.sfu.node.publishers", id, "participants publishing media on the node",
                    Counts::publishers);
            Gauge.builder("babelcall.sfu.node.handles", nodes, n -> {
                JanusClient c = n.client(id);
                return c == null ? Double.NaN : c.handleCount();
            }).tag("node", id).description("plugin handles this replica holds on the Janus node").register(registry);
            latency.put(id, Timer.builder("babelcall.sfu.request").tag("node", id)
                    .description("Janus API request -> its answer (keep-alives included)")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(100_000))
                    .maximumExpectedValue(props.requestTimeout())
                    .register(registry));
        }
    }

    /** {@code listener} hears every node's room list from the next poll on. */
    public void onListed(RoomsListener listener) {
        listeners.add(listener);
    }

    /** Starts timing requests and polling the nodes (once; the meters read what this gathers). */
    public void start() {
        nodes.onAnswered((node, nanos) -> {
            Timer t = latency.get(node);
            if (t != null) {
                t.record(nanos, TimeUnit.NANOSECONDS);
            }
        });
        long every = props.statsInterval().toMillis();
        task = timers.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    private void gauge(MeterRegistry registry, String name, String node, String description,
                       ToDoubleFunction<Counts> value) {
        Gauge.builder(name, counts, m -> {
            Counts c = m.get(node);
            return c == null ? Double.NaN : value.applyAsDouble(c);
        }).tag("node", node).description(description).register(registry);
    }

    /** Asks every reachable node for its rooms and their participants (answers come back on Janus threads). */
    void poll() {
        handles.keySet().removeIf(c -> !c.isConnected());
        for (MediaProperties.Node node : props.nodes()) {
            JanusClient janus = nodes.client(node.id());
            if (janus == null) {
                counts.remove(node.id());
                continue;
            }
            CompletableFuture<Long> handle = handles.computeIfAbsent(janus,
                    c -> c.attach(JanusClient.VIDEOROOM, (data, jsep) -> { }));
            var unused = handle.thenCompose(h -> count(node.id(), janus, h)).whenComplete((c, e) -> {
                if (e == null) {
                    counts.put(node.id(), c);
                } else {
                    counts.remove(node.id());
                    handles.remove(janus, handle);
                    log.debug("SFU node {} stats not read: {}", node.id(), e.toString());
                }
            });
        }
    }

    private CompletableFuture<Counts> count(String nodeId, JanusClient janus, long handle) {
        return janus.request(handle, janus.body("list").put("admin_key", props.adminKey()), null)
                .thenCompose(list -> {
                    for (RoomsListener l : listeners) {
                        try {
                            l.listed(nodeId, janus, list.data().path("list"));
                        } catch (RuntimeException e) {
                            log.warn("SFU node {}: room list listener failed: {}", nodeId, e.toString());
                        }
                    }
                    List<CompletableFuture<Integer>> publishers = new ArrayList<>();
                    int participants = 0;
                    for (JsonNode room : list.data().path("list")) {
                        participants += room.path("num_participants").asInt(0);
                        publishers.add(janus.request(handle, janus.body("listparticipants")
                                .put("room", room.path("room").asString()), null).thenApply(SfuNodeStats::publishing));
                    }
                    int rooms = publishers.size();
                    int joined = participants;
                    return CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new))
                            .thenApply(v -> new Counts(rooms, joined,
                                    publishers.stream().mapToInt(CompletableFuture::join).sum()));
                });
    }

    private static int publishing(JanusClient.Reply reply) {
        int n = 0;
        for (JsonNode p : reply.data().path("participants")) {
            if (p.path("publisher").asBoolean(false)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}

package io.babelcall.signaling.media;

import io.babelcall.signaling.media.janus.JanusClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * This replica's one Janus session per configured node, (re)connected in the background: a node that is down or
 * lost is tried again every {@code reconnect-delay}; listeners hear when a node is lost, so its rooms can move.
 * Connection attempts run on the shared timer thread; nothing here blocks a caller.
 */
public final class JanusNodes implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JanusNodes.class);

    /** Hears that a node was lost (its session and every handle on it are gone). */
    public interface LossListener {
        void nodeLost(String nodeId);
    }

    private final MediaProperties props;
    private final ObjectMapper json;
    private final ScheduledExecutorService timers;
    private final Map<String, JanusClient> connected = new LinkedHashMap<>();
    private final List<LossListener> listeners = new ArrayList<>();
    private final List<BiConsumer<String, JanusClient>> connectListeners = new ArrayList<>();
    private volatile ObjLongConsumer<String> answered = (node, nanos) -> { };
    private volatile boolean closed;

    public JanusNodes(MediaProperties props, ObjectMapper json, ScheduledExecutorService timers) {
        this.props = props;
        this.json = json;
        this.timers = timers;
    }

    public synchronized void onLoss(LossListener listener) {
        listeners.add(listener);
    }

    /** Hears every session made to a node, those made before this call included (node id, its live session). */
    public void onConnected(BiConsumer<String, JanusClient> listener) {
        Map<String, JanusClient> now;
        synchronized (this) {
            connectListeners.add(listener);
            now = Map.copyOf(connected);
        }
        now.forEach(listener);
    }

    /** Hears every answered request's round trip (node id, nanoseconds), on the Janus client threads. */
    public void onAnswered(ObjLongConsumer<String> listener) {
        this.answered = listener;
    }

    /** Starts connecting to every node (returns at once). */
    public void start() {
        for (MediaProperties.Node node : props.nodes()) {
            connect(node);
        }
    }

    /** The live session on {@code nodeId}, or null while the node is down. */
    public synchronized JanusClient client(String nodeId) {
        JanusClient c = connected.get(nodeId);
        return c != null && c.isConnected() ? c : null;
    }

    /** Ids of the nodes reachable now, in configuration order. */
    public synchronized List<String> healthy() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JanusClient> e : connected.entrySet()) {
            if (e.getValue().isConnected()) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    public int configured() {
        return props.nodes().size();
    }

    private void connect(MediaProperties.Node node) {
        if (closed) {
            return;
        }
        JanusClient client = new JanusClient(node.url(), props.apiSecret(), json, props.requestTimeout(),
                props.keepAlive(), props.keepAliveTimeout(), timers);
        client.onAnswered(nanos -> answered.accept(node.id(), nanos));
        var unused = client.connect().whenComplete((c, e) -> {
            if (e != null) {
                log.warn("SFU node {} ({}) unreachable: {}; retrying in {}", node.id(), node.url(), e.toString(),
                        props.reconnectDelay());
                client.close();
                retry(node);
                return;
            }
            log.info("SFU node {} ({}) connected, session {}", node.id(), node.url(), c.sessionId());
            List<BiConsumer<String, JanusClient>> toTell;
            synchronized (this) {
                connected.put(node.id(), c);
                toTell = List.copyOf(connectListeners);
            }
            c.onLost(() -> lost(node, c));
            toTell.forEach(l -> l.accept(node.id(), c));
        });
    }

    private void lost(MediaProperties.Node node, JanusClient client) {
        List<LossListener> toTell;
        synchronized (this) {
            if (connected.get(node.id()) != client) {
                return;
            }
            connected.remove(node.id());
            toTell = List.copyOf(listeners);
        }
        log.warn("SFU node {} ({}) lost", node.id(), node.url());
        for (LossListener l : toTell) {
            l.nodeLost(node.id());
        }
        retry(node);
    }

    private void retry(MediaProperties.Node node) {
        if (!closed) {
            var unused = timers.schedule(() -> connect(node), props.reconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        List<JanusClient> all;
        synchronized (this) {
            all = List.copyOf(connected.values());
            connected.clear();
        }
        all.forEach(JanusClient::close);
    }
}

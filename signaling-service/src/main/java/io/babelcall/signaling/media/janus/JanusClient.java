package io.babelcall.signaling.media.janus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One long-lived Janus session over Janus's WebSocket API ({@code janus-protocol}): the session is created on
 * {@link #connect}, kept alive, and carries every plugin handle of this signaling replica on that Janus node.
 *
 * <p>Requests are matched to answers by transaction. A plugin request answered at once ({@code success}) and one
 * answered later ({@code ack}, then an {@code event} with the same transaction, with the JSEP if any) both complete
 * the returned future with a {@link Reply}; a plugin {@code error_code} fails it with {@link JanusException}. Messages
 * nobody asked for go to the handle's {@link JanusHandleListener}. Sends are serialized (the JDK WebSocket takes one at
 * a time); callers never wait on the socket. Thread-safe.
 */
public final class JanusClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JanusClient.class);
    public static final String VIDEOROOM = "janus.plugin.videoroom";

    /** A plugin's answer: {@code plugindata.data} and the JSEP that came with it (null when none). */
    public record Reply(JsonNode data, JsonNode jsep) {
    }

    private final URI uri;
    private final String apiSecret;
    private final ObjectMapper json;
    private final Duration requestTimeout;
    private final Duration keepAlive;
    private final Duration keepAliveTimeout;
    private final ScheduledExecutorService timers;
    private final HttpClient http;
    private final AtomicLong transactions = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Long, JanusHandleListener> handles = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> onLost = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final Object sendLock = new Object();
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private volatile WebSocket ws;
    private volatile long sessionId;
    private volatile boolean lost;
    private volatile LongConsumer answered = nanos -> { };
    private ScheduledFuture<?> keepAliveTask;

    private record Pending(CompletableFuture<Reply> future, boolean ackCompletes, long sentNanos) {
    }

    public JanusClient(URI uri, String apiSecret, ObjectMapper json, Duration requestTimeout, Duration keepAlive,
                       ScheduledExecutorService timers) {
        this(uri, apiSecret, json, requestTimeout, keepAlive, requestTimeout, timers);
    }

    /**
     * A client whose session is declared lost when a keep-alive (sent every {@code keepAlive}) is not answered within
     * {@code keepAliveTimeout}: a frozen or cut-off node keeps its socket open, so the socket alone cannot tell.
     */
    public JanusClient(URI uri, String apiSecret, ObjectMapper json, Duration requestTimeout, Duration keepAlive,
                       Duration keepAliveTimeout, ScheduledExecutorService timers) {
        this.uri = uri;
        this.apiSecret = apiSecret;
        this.json = json;
        this.requestTimeout = requestTimeout;
        this.keepAlive = keepAlive;
        this.keepAliveTimeout = keepAliveTimeout;
        this.timers = timers;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /** Opens the socket and creates the session; completes when both are done. */
    public CompletableFuture<JanusClient> connect() {
        return http.newWebSocketBuilder().subprotocols("janus-protocol").connectTimeout(requestTimeout)
                .buildAsync(uri, new Receiver())
                .thenCompose(socket -> {
                    ws = socket;
                    return call(message("create"), false);
                })
                .thenApply(reply -> {
                    sessionId = reply.data().path("id").asLong();
                    keepAliveTask = timers.scheduleWithFixedDelay(this::keepAlive, keepAlive.toMillis(),
                            keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                    return this;
                });
    }

    public URI uri() {
        return uri;
    }

    public long sessionId() {
        return sessionId;
    }

    /** False once the socket or the session is gone (every handle with it). */
    public boolean isConnected() {
        return ws != null && sessionId != 0 && !lost;
    }

    /** Hears the round-trip time (nanoseconds) of every request Janus answered, refusals included. */
    public void onAnswered(LongConsumer nanos) {
        this.answered = nanos;
    }

    /** Plugin handles this client holds on the node now. */
    public int handleCount() {
        return handles.size();
    }

    /** Runs {@code action} once when the connection or the session is lost. */
    public void onLost(Runnable action) {
        onLost.add(action);
    }

    /** Attaches a handle to {@code plugin}; its unsolicited events go to {@code listener}. */
    public CompletableFuture<Long> attach(String plugin, JanusHandleListener listener) {
        ObjectNode m = session("attach").put("plugin", plugin);
        return call(m, false).thenApply(reply -> {
            long id = reply.data().path("id").asLong();
            handles.put(id, listener);
            return id;
        });
    }

    /** Sends a plugin request (with a JSEP when not null) on {@code handle}; completes with the plugin's answer. */
    public CompletableFuture<Reply> request(long handle, ObjectNode body, JsonNode jsep) {
        ObjectNode m = session("message").put("handle_id", handle);
        m.set("body", body);
        if (jsep != null) {
            m.set("jsep", jsep);
        }
        return call(m, false);
    }

    /** Trickles one ICE candidate (null = end of candidates) of the peer on {@code handle} to Janus. */
    public CompletableFuture<Reply> trickle(long handle, JsonNode candidate) {
        ObjectNode m = session("trickle").put("handle_id", handle);
        if (candidate == null || candidate.isNull()) {
            m.putObject("candidate").put("completed", true);
        } else {
            m.set("candidate", candidate);
        }
        return call(m, true);
    }

    /** Tears down the PeerConnection of {@code handle} (the handle stays attached, e.g. in its room). */
    public CompletableFuture<Reply> hangup(long handle) {
        return call(session("hangup").put("handle_id", handle), false);
    }

    /** Detaches {@code handle} (Janus hangs up its PeerConnection and leaves the room for it). */
    public CompletableFuture<Reply> detach(long handle) {
        JanusHandleListener listener = handles.remove(handle);
        if (listener != null) {
            listener.onDetached();
        }
        return call(session("detach").put("handle_id", handle), false);
    }

    /** A new plugin request body for {@code request}. */
    public ObjectNode body(String request) {
        return json.createObjectNode().put("request", request);
    }

    /** A JSEP object ({@code offer} or {@code answer}) for a request. */
    public ObjectNode jsep(String type, String sdp) {
        return json.createObjectNode().put("type", type).put("sdp", sdp);
    }

    /** A new, empty JSON array (for {@code streams} lists). */
    public ArrayNode array() {
        return json.createArrayNode();
    }

    @Override
    public void close() {
        if (keepAliveTask != null) {
            keepAliveTask.cancel(false);
        }
        WebSocket socket = ws;
        if (socket != null && sessionId != 0 && !lost) {
            call(session("destroy"), false).orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        lose("closed");
        if (socket != null) {
            socket.abort();
        }
    }

    /** A keep-alive not answered in time (a frozen node, a cut network) or refused (session gone) loses the node. */
    private void keepAlive() {
        var unused = call(session("keepalive"), true, keepAliveTimeout).whenComplete((r, e) -> {
            if (e != null && !lost) {
                lose("keep-alive failed: " + e);
                WebSocket socket = ws;
                if (socket != null) {
                    socket.abort();
                }
            }
        });
    }

    private ObjectNode message(String janus) {
        ObjectNode m = json.createObjectNode().put("janus", janus);
        if (apiSecret != null && !apiSecret.isEmpty()) {
            m.put("apisecret", apiSecret);
        }
        return m;
    }

    private ObjectNode session(String janus) {
        return message(janus).put("session_id", sessionId);
    }

    private CompletableFuture<Reply> call(ObjectNode m, boolean ackCompletes) {
        return call(m, ackCompletes, requestTimeout);
    }

    private CompletableFuture<Reply> call(ObjectNode m, boolean ackCompletes, Duration timeout) {
        CompletableFuture<Reply> future = new CompletableFuture<>();
        if (lost) {
            future.completeExceptionally(new JanusException(0, "not connected to " + uri));
            return future;
        }
        String tx = Long.toString(transactions.incrementAndGet(), 36);
        m.put("transaction", tx);
        pending.put(tx, new Pending(future, ackCompletes, System.nanoTime()));
        var unused = timers.schedule(() -> {
            if (pending.remove(tx) != null) {
                future.completeExceptionally(new TimeoutException("Janus " + m.path("janus").asString()
                        + " not answered within " + timeout));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        String text = json.writeValueAsString(m);
        synchronized (sendLock) {
            sendChain = sendChain.exceptionally(e -> null).thenCompose(v -> ws.sendText(text, true))
                    .whenComplete((r, e) -> {
                        if (e != null && pending.remove(tx) != null) {
                            future.completeExceptionally(e);
                        }
                    });
        }
        return future;
    }

    private void onMessage(String text) {
        JsonNode m;
        try {
            m = json.readTree(text);
        } catch (RuntimeException e) {
            log.warn("unreadable message from Janus {}: {}", uri, e.toString());
            return;
        }
        String type = m.path("janus").asString();
        String tx = m.path("transaction").asString(null);
        Pending p = tx == null ? null : pending.get(tx);
        boolean answers = "ack".equals(type) ? p != null && p.ackCompletes()
                : "success".equals(type) || "event".equals(type) || "error".equals(type);
        if (p != null && answers) {
            answered.accept(System.nanoTime() - p.sentNanos());
        }
        if (p != null) {
            switch (type) {
                case "ack" -> {
                    if (p.ackCompletes() && pending.remove(tx) != null) {
                        p.future().complete(new Reply(m, null));
                    }
                    return;
                }
                case "success", "event" -> {
                    pending.remove(tx);
                    JsonNode data = m.has("plugindata") ? m.path("plugindata").path("data") : m.path("data");
                    if (data.has("error_code")) {
                        p.future().completeExceptionally(new JanusException(data.path("error_code").asInt(),
                                data.path("error").asString("")));
                    } else {
                        p.future().complete(new Reply(data, m.get("jsep")));
                    }
                    return;
                }
                case "error" -> {
                    pending.remove(tx);
                    p.future().completeExceptionally(new JanusException(m.path("error").path("code").asInt(),
                            m.path("error").path("reason").asString("")));
                    return;
                }
                default -> {
                    // an unsolicited event that happens to carry a transaction: handled below
                }
            }
        }
        JanusHandleListener listener = handles.get(m.path("sender").asLong());
        switch (type) {
            case "event" -> {
                if (listener != null) {
                    listener.onEvent(m.path("plugindata").path("data"), m.get("jsep"));
                }
            }
            case "webrtcup" -> {
                if (listener != null) {
                    listener.onWebRtcUp();
                }
            }
            case "hangup" -> {
                if (listener != null) {
                    listener.onHangup(m.path("reason").asString(""));
                }
            }
            case "detached" -> {
                JanusHandleListener gone = handles.remove(m.path("sender").asLong());
                if (gone != null) {
                    gone.onDetached();
                }
            }
            case "timeout" -> lose("session timed out");
            default -> {
                // media, slowlink, trickle from Janus: not used
            }
        }
    }

    private void lose(String why) {
        if (lost) {
            return;
        }
        lost = true;
        if (keepAliveTask != null) {
            keepAliveTask.cancel(false);
        }
        log.warn("Janus session {} on {} lost: {}", sessionId, uri, why);
        for (Pending p : pending.values()) {
            p.future().completeExceptionally(new JanusException(0, "connection to " + uri + " lost: " + why));
        }
        pending.clear();
        for (JanusHandleListener l : handles.values()) {
            l.onDetached();
        }
        handles.clear();
        for (Runnable r : onLost) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.warn("Janus lost-connection action failed: {}", e.toString());
            }
        }
    }

    /** The WebSocket callbacks (one at a time, by the JDK's contract). */
    private final class Receiver implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lose("socket closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lose("socket error " + error);
        }
    }
}

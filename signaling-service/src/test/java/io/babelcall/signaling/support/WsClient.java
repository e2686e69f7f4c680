package io.babelcall.signaling.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** A test client on the JDK WebSocket: records text messages and the close code. */
public final class WsClient implements WebSocket.Listener {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** The application data of every pong received. */
    public final LinkedBlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    public WebSocket ws;

    private WsClient(boolean reading) {
        this.reading = reading;
    }

    public static WsClient connect(URI uri) {
        return connect(uri, true, null, new String[0]);
    }

    /** Connects; {@code reading=false} never reads a frame (a stuck client). */
    public static WsClient connect(URI uri, boolean reading, String origin, String... subprotocols) {
        WsClient c = new WsClient(reading);
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        c.ws = b.buildAsync(uri, c).join();
        return c;
    }

    /** The HTTP status of a refused handshake (fails if the handshake succeeds). */
    public static int refusal(URI uri, String origin, String... subprotocols) {
        try {
            WsClient c = connect(uri, true, origin, subprotocols);
            c.ws.abort();
            throw new AssertionError("handshake to " + uri + " was accepted");
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
        byte[] data = new byte[message.remaining()];
        message.get(data);
        pongs.add(data);
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    public int awaitClose() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public JsonNode next(String type) {
        return next(type, n -> true, Duration.ofSeconds(10));
    }

    /** The next message of {@code type} matching, skipping (and discarding) others. */
    public JsonNode next(String type, Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> skipped = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                String s = messages.poll(20, TimeUnit.MILLISECONDS);
                if (s == null) {
                    continue;
                }
                JsonNode n = Rooms.JSON.readTree(s);
                if (type.equals(n.path("type").asString()) && match.test(n)) {
                    return n;
                }
                skipped.add(s.length() > 300 ? s.substring(0, 300) : s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no '" + type + "' within " + timeout + "; got " + skipped);
    }

    /**
     * Every message up to and including the next one of {@code type} matching {@code match}; null when the socket
     * closed first (the messages received before the close are then dropped).
     */
    public List<JsonNode> upTo(String type, Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> seen = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                String s = messages.poll(20, TimeUnit.MILLISECONDS);
                if (s == null) {
                    if (closed.isDone()) {
                        return null;
                    }
                    continue;
                }
                JsonNode n = Rooms.JSON.readTree(s);
                seen.add(n);
                if (type.equals(n.path("type").asString()) && match.test(n)) {
                    return seen;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no '" + type + "' within " + timeout + "; got " + seen);
    }

    public boolean isOpen() {
        return !closed.isDone();
    }

    public List<JsonNode> all(Duration quiet) {
        List<JsonNode> out = new ArrayList<>();
        try {
            String s;
            while ((s = messages.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                out.add(Rooms.JSON.readTree(s));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    public void close() {
        ws.abort();
    }
}

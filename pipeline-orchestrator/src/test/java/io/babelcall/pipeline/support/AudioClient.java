package io.babelcall.pipeline.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A speaker's audio socket as a browser would use it (JDK WebSocket client): start, PCM frames, stop. */
public final class AudioClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final List<String> texts = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** The server's {"type":"ready"}: kept out of {@link #texts}; {@link #connect} waits for it, as browsers do. */
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private AudioClient() {
    }

    public static AudioClient connect(int port, String token) {
        return connect(URI.create("ws://127.0.0.1:" + port + "/ws/audio?access_token=" + token), null);
    }

    /**
     * Connects and waits for the server's ready frame; {@code builderHook} may add headers or subprotocols. Handshake
     * refusals throw {@link Refused}.
     */
    public static AudioClient connect(URI uri, java.util.function.Consumer<WebSocket.Builder> builderHook) {
        AudioClient client = new AudioClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (builderHook != null) {
            builderHook.accept(builder);
        }
        try {
            client.socket = builder.buildAsync(uri, client).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                throw new Refused(h.getResponse().statusCode());
            }
            throw e;
        }
        try {
            client.ready.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no {\"type\":\"ready\"} from the server within 5 s; texts: " + client.texts, e);
        }
        return client;
    }

    /** The server refused the handshake with this HTTP status. */
    public static final class Refused extends RuntimeException {
        public final int status;

        Refused(int status) {
            super("handshake refused with HTTP " + status);
            this.status = status;
        }
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public AudioClient start(int sampleRate) {
        return text("{\"type\":\"start\",\"sampleRate\":" + sampleRate + ",\"encoding\":\"pcm16\"}");
    }

    public AudioClient text(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    public AudioClient binary(byte[] bytes) {
        return binaryFragment(bytes, true);
    }

    /** One frame of a binary message; {@code last} false leaves the message open for more fragments. */
    public AudioClient binaryFragment(byte[] bytes, boolean last) {
        socket.sendBinary(ByteBuffer.wrap(bytes), last).join();
        return this;
    }

    /** Sends samples in frames of {@code frameMs}; paced at {@code speed} x real time (0 = as fast as possible). */
    public AudioClient stream(short[] samples, int rate, int frameMs, double speed) throws InterruptedException {
        int frame = rate * frameMs / 1000;
        long t0 = System.nanoTime();
        for (int off = 0, i = 0; off < samples.length; off += frame, i++) {
            int len = Math.min(frame, samples.length - off);
            if (len < rate / 100) {
                break; // a too-short tail frame would be refused; drop it
            }
            if (speed > 0) {
                long due = t0 + (long) ((long) i * frameMs * 1_000_000L / speed);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            if (closeCode.isDone()) {
                return this;
            }
            binary(Audio.pcm16le(samples, off, len));
        }
        return this;
    }

    public AudioClient stop() {
        return text("{\"type\":\"stop\"}");
    }

    public int awaitClose(Duration timeout) {
        try {
            return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("socket not closed by the server within " + timeout + "; texts: " + texts, e);
        }
    }

    public boolean isOpen() {
        return !closeCode.isDone() && !socket.isOutputClosed();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            if (!ready.isDone() && text.equals("{\"type\":\"ready\"}")) {
                ready.complete(null);
            } else {
                texts.add(text);
            }
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                socket.abort();
            }
        }
    }
}

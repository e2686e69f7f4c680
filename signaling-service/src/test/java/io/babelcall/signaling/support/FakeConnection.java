package io.babelcall.signaling.support;

import io.babelcall.signaling.session.ClientConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** A socket-less {@link ClientConnection} that records what the server sends. */
public final class FakeConnection implements ClientConnection {

    private final String id = UUID.randomUUID().toString();
    private final LinkedBlockingQueue<String> sent = new LinkedBlockingQueue<>();
    public volatile int closeCode = -1;
    /** WebSocket pings the server asked this socket to send. */
    public final AtomicInteger pings = new AtomicInteger();

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean send(String text) {
        if (closeCode >= 0) {
            return false;
        }
        sent.add(text);
        return true;
    }

    @Override
    public void close(int code, String reason) {
        if (closeCode < 0) {
            closeCode = code;
        }
    }

    @Override
    public void ping() {
        pings.incrementAndGet();
    }

    @Override
    public boolean isOpen() {
        return closeCode < 0;
    }

    /** Waits for the next message of {@code type}, skipping others. */
    public JsonNode next(String type) {
        return next(type, n -> true);
    }

    public JsonNode next(String type, Predicate<JsonNode> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> skipped = new ArrayList<>();
        try {
            while (System.nanoTime() < deadline) {
                String s = sent.poll(50, TimeUnit.MILLISECONDS);
                if (s == null) {
                    continue;
                }
                JsonNode n = Rooms.JSON.readTree(s);
                if (type.equals(n.path("type").asString()) && match.test(n)) {
                    return n;
                }
                skipped.add(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("no '" + type + "' message within 5 s; got " + skipped);
    }

    /** Every message received so far of {@code type}, after waiting {@code quiet} for stragglers. */
    public List<JsonNode> drain(String type, Duration quiet) {
        List<JsonNode> out = new ArrayList<>();
        try {
            String s;
            while ((s = sent.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                JsonNode n = Rooms.JSON.readTree(s);
                if (type.equals(n.path("type").asString())) {
                    out.add(n);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Every message received so far, after waiting {@code quiet} for stragglers. */
    public List<JsonNode> all(Duration quiet) {
        List<JsonNode> out = new ArrayList<>();
        try {
            String s;
            while ((s = sent.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
                out.add(Rooms.JSON.readTree(s));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    public void clear() {
        sent.clear();
    }
}

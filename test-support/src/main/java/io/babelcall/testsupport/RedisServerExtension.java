package io.babelcall.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives tests a real Redis, in this order: {@code REDIS_URL} if set; else a {@code redis-server} binary started on a
 * free loopback port (stopped when the test JVM ends); else a Testcontainers Redis where Docker is available; else the
 * test fails with the apt line to run. Never skips.
 *
 * <p>The URL is published as the system property {@code spring.data.redis.url}, so Spring Boot tests in any module
 * pick it up without further wiring; {@link #redisUrl()} gives it to plain tests. One server serves the whole JVM;
 * tests isolate themselves by using fresh room ids.
 */
public final class RedisServerExtension implements BeforeAllCallback {

    private static final Object LOCK = new Object();
    private static volatile String url;

    @Override
    public void beforeAll(ExtensionContext context) {
        redisUrl();
    }

    /** The Redis URL for this JVM, starting a server on first use. */
    public static String redisUrl() {
        if (url == null) {
            synchronized (LOCK) {
                if (url == null) {
                    url = resolve();
                    System.setProperty("spring.data.redis.url", url);
                }
            }
        }
        return url;
    }

    /** Host and port of {@link #redisUrl()}. */
    public static InetSocketAddress address() {
        URI uri = URI.create(redisUrl());
        return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
    }

    private static String resolve() {
        String fromEnv = System.getenv("REDIS_URL");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Path binary = LocalBinaries.find("redis-server");
        if (binary != null) {
            return startLocal(binary);
        }
        String fromDocker = DockerRedis.tryStart();
        if (fromDocker != null) {
            return fromDocker;
        }
        throw new IllegalStateException("""
                Tests need a real Redis and none is available: REDIS_URL is not set, no 'redis-server' binary is on \
                the PATH, and Docker is not available for Testcontainers. Install it with: \
                sudo apt-get install -y redis-server   (or set REDIS_URL=redis://host:port)""");
    }

    private static String startLocal(Path binary) {
        int port = launch(binary).port();
        return "redis://127.0.0.1:" + port;
    }

    /** A redis-server process on a free loopback port, answering PING; stopped when the JVM exits. */
    record Launched(Process process, int port) {
    }

    static Launched launch(Path binary, String... extraArgs) {
        try {
            return launch(binary, freePort(), Files.createTempDirectory("babelcall-test-redis"), extraArgs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
        }
    }

    /** The same on a given port and dir (a restarted cluster node keeps both, so it finds its nodes.conf). */
    static Launched launch(Path binary, int port, Path dir, String... extraArgs) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--daemonize", "no", "--loglevel", "warning"));
        command.addAll(List.of(extraArgs));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "stop-test-redis"));
        awaitPong(port, process, dir.resolve("redis.log"));
        return new Launched(process, port);
    }

    private static void awaitPong(int port, Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start: " + Files.readString(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16];
                int n = in.read(buf);
                if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(50);
        }
        stop(process);
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 20 s");
    }

    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A currently free loopback port. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

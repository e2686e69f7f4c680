package io.babelcall.pipeline.support;

import static org.awaitility.Awaitility.await;

import io.babelcall.testsupport.LocalBinaries;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code apertium-apy} process on a given port, which a test can stop and start again (to play an outage).
 * APy has no bind option and listens on all interfaces: tests use a random port and stop it afterwards.
 */
public final class ApyServer implements AutoCloseable {

    private final Path modes;
    private final int port;
    private Process process;
    private Path log;

    public ApyServer(Path modes, int port) {
        this.modes = modes;
        this.port = port;
    }

    public int port() {
        return port;
    }

    /** Starts the server and returns once it accepts connections (or fails with its log). */
    public ApyServer start() throws IOException {
        Path bin = LocalBinaries.require("apertium-apy", "apertium-apy");
        log = Files.createTempFile("apy", ".log");
        Process p = new ProcessBuilder(bin.toString(), "-p", Integer.toString(port), "-j", "1", "-n", "1",
                modes.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process = p;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("apertium-apy exited: " + Files.readString(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return this;
    }

    /** Stops the server and its worker processes. */
    public void stop() throws InterruptedException {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}

package io.babelcall.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Janus WebRTC Server (Debian package {@code janus}) on a free loopback port, configured from the project's own
 * templates in {@code deploy/janus/} (the ones run.sh and the container image render), with fresh secrets. Fails,
 * naming the package, when Janus is not installed; never skips. {@link #stop()} ends it (SIGTERM, then SIGKILL);
 * {@link #kill()} is a crash (SIGKILL at once), {@link #freeze()} a hang (SIGSTOP). Every instance is also stopped when the test JVM exits.
 */
public final class JanusServer implements AutoCloseable {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static final List<String> TEMPLATES = List.of("janus.jcfg", "janus.transport.websockets.jcfg",
            "janus.plugin.videoroom.jcfg");

    private final Process process;
    private final Path dir;
    private final int wsPort;
    private final String apiSecret;
    private final String adminKey;

    private JanusServer(Process process, Path dir, int wsPort, String apiSecret, String adminKey) {
        this.process = process;
        this.dir = dir;
        this.wsPort = wsPort;
        this.apiSecret = apiSecret;
        this.adminKey = adminKey;
    }

    /** Starts a Janus with media ports in {@code rtpPortRange} (e.g. "40000-40100") and fresh secrets. */
    public static JanusServer start(String rtpPortRange) {
        return start(rtpPortRange, "api-" + UUID.randomUUID(), "admin-" + UUID.randomUUID());
    }

    /** Starts a Janus with the given secrets: the nodes of one deployment share them. */
    public static JanusServer start(String rtpPortRange, String apiSecret, String adminKey) {
        Path binary = LocalBinaries.require("janus", "janus");
        try {
            int port = RedisServerExtension.freePort();
            Path dir = Files.createTempDirectory("babelcall-test-janus");
            Map<String, String> values = Map.of(
                    "JANUS_CONFIG_DIR", dir.toString(),
                    "JANUS_LIB_DIR", libDir(),
                    "JANUS_DEBUG_LEVEL", "4",
                    "JANUS_API_SECRET", apiSecret,
                    "JANUS_ADMIN_SECRET", "adm-" + UUID.randomUUID(),
                    "JANUS_RTP_PORT_RANGE", rtpPortRange,
                    "JANUS_NAT_SETTINGS", "",
                    "JANUS_WS_PORT", Integer.toString(port),
                    "JANUS_WS_IP", "127.0.0.1",
                    "JANUS_ADMIN_KEY", adminKey);
            Path templates = templatesDir();
            for (String name : TEMPLATES) {
                Files.writeString(dir.resolve(name), render(Files.readString(templates.resolve(name)), values));
            }
            Process process = new ProcessBuilder(List.of(binary.toString(), "-F", dir.toString(),
                    "-C", dir.resolve("janus.jcfg").toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("janus.log").toFile())
                    .start();
            JanusServer server = new JanusServer(process, dir, port, apiSecret, adminKey);
            Runtime.getRuntime().addShutdownHook(new Thread(server::kill, "stop-test-janus"));
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start janus: " + e.getMessage(), e);
        }
    }

    /** The WebSocket API URL ({@code ws://127.0.0.1:port}). */
    public String wsUrl() {
        return "ws://127.0.0.1:" + wsPort;
    }

    public String apiSecret() {
        return apiSecret;
    }

    /** The VideoRoom plugin's admin key (room creation, RTP forwarding). */
    public String adminKey() {
        return adminKey;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Janus's own log so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("janus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 5 s. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: a crashed node. */
    public void kill() {
        killNow(process);
    }

    /** SIGSTOP: a frozen node (hung, or cut off): its sockets stay open but nothing answers. */
    public void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL {@code process} and wait (up to 5 s) until it is gone. */
    static void killNow(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code template} with every {@code ${NAME}} replaced; a name without a value is an error. */
    public static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for ${" + m.group(1) + "} in a Janus template");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("janus exited at start:\n" + log());
            }
            try (Socket ignored = new Socket("127.0.0.1", wsPort)) {
                return;
            } catch (IOException notYet) {
                Polling.pause();
            }
        }
        kill();
        throw new IllegalStateException("janus did not listen on " + wsPort + " within 20 s:\n" + log());
    }

    /** Where Debian (or a source build) put Janus's plugins and transports. */
    private static String libDir() {
        for (String candidate : List.of("/usr/lib/x86_64-linux-gnu/janus", "/usr/lib/aarch64-linux-gnu/janus",
                "/usr/lib/janus", "/opt/janus/lib/janus", "/usr/local/lib/janus")) {
            if (Files.isDirectory(Path.of(candidate, "plugins"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("janus is installed but its plugins folder was not found; reinstall it with: "
                + "sudo apt-get install --reinstall -y janus");
    }

    /** deploy/janus of this checkout: tests run in a module folder, one below the root. */
    private static Path templatesDir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("deploy/janus");
            if (Files.isRegularFile(candidate.resolve("janus.jcfg"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("deploy/janus/janus.jcfg not found above " + Path.of("").toAbsolutePath());
    }
}

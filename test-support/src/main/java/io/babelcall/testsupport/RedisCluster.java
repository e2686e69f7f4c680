package io.babelcall.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of three masters (no replicas), each a Debian {@code redis-server --cluster-enabled yes} on a
 * free loopback port with its own temp dir and {@code nodes.conf}, joined by {@code redis-cli --cluster create}.
 * {@link #start()} returns once every node reports {@code cluster_state:ok} with all 16384 slots assigned; a failure
 * on the way stops every process it started. {@link #restartNode(int)} stops one node and starts it again on the same
 * port, nodes.conf and append-only file, so it keeps its data (for fault tests). Fails, naming the package, without {@code redis-server}/{@code redis-cli}.
 * Start it once per test class: it takes about a second.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int NODES = 3;
    private static final Duration READY = Duration.ofSeconds(30);

    private final Path server;
    private final Path cli;
    private final int[] ports = new int[NODES];
    private final Path[] dirs = new Path[NODES];
    private final Process[] processes = new Process[NODES];

    private RedisCluster(Path server, Path cli) {
        this.server = server;
        this.cli = cli;
    }

    public static RedisCluster start() {
        RedisCluster c = new RedisCluster(LocalBinaries.require("redis-server", "redis-server"),
                LocalBinaries.require("redis-cli", "redis-tools"));
        try {
            for (int i = 0; i < NODES; i++) {
                c.ports[i] = RedisServerExtension.freePort();
                c.dirs[i] = Files.createTempDirectory("babelcall-test-cluster");
                c.launch(i);
            }
            List<String> create = new ArrayList<>(List.of(c.cli.toString(), "--cluster", "create"));
            for (int port : c.ports) {
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            LocalBinaries.run(create);
            c.awaitReady();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start a Redis Cluster", e);
        }
    }

    /** {@code host:port,...} of every node, as {@code spring.data.redis.cluster.nodes} takes it. */
    public String nodes() {
        return java.util.Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public int port(int node) {
        return ports[node];
    }

    /** Stops node {@code node} (SIGTERM, then SIGKILL) and starts it again on its port and nodes.conf; waits for ok. */
    public void restartNode(int node) {
        RedisServerExtension.stop(processes[node]);
        try {
            launch(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart cluster node " + ports[node] + ": " + e.getMessage(), e);
        }
        awaitReady();
    }

    @Override
    public void close() {
        for (Process p : processes) {
            if (p != null && p.isAlive()) {
                RedisServerExtension.stop(p);
            }
        }
    }

    private void launch(int i) throws IOException {
        processes[i] = RedisServerExtension.launch(server, ports[i], dirs[i], "--cluster-enabled", "yes",
                "--cluster-config-file", dirs[i].resolve("nodes.conf").toString(),
                "--cluster-node-timeout", "2000",
                // An append-only file, so a restarted node comes back with its data (SIGTERM flushes it).
                "--appendonly", "yes").process();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (int port : ports) {
                last = port + ": " + LocalBinaries.run(List.of(cli.toString(), "-p", Integer.toString(port), "cluster",
                        "info"));
                if (!last.contains("cluster_state:ok") || !last.contains("cluster_slots_assigned:16384")) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                return;
            }
            Polling.pause();
        }
        throw new IllegalStateException("Redis Cluster not ok within " + READY.toSeconds() + " s; last: " + last);
    }
}

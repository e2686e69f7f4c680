package io.babelcall.testsupport;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis master, one replica and one Sentinel (quorum 1, master down after 1 s), all real Debian binaries on free
 * loopback ports, for high-availability tests: clients find the master through the Sentinel; {@link #killMaster()}
 * makes the Sentinel promote the replica. Fails, naming the package, without {@code redis-sentinel}.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER_NAME = "babelcall";

    private final PrivateRedis master;
    private final PrivateRedis replica;
    private final Process sentinel;
    private final int sentinelPort;

    private RedisSentinels(PrivateRedis master, PrivateRedis replica, Process sentinel, int sentinelPort) {
        this.master = master;
        this.replica = replica;
        this.sentinel = sentinel;
        this.sentinelPort = sentinelPort;
    }

    public static RedisSentinels start() {
        Path binary = LocalBinaries.require("redis-sentinel", "redis-sentinel");
        PrivateRedis master = PrivateRedis.start();
        PrivateRedis replica = PrivateRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        try {
            int port = RedisServerExtension.freePort();
            Path dir = Files.createTempDirectory("babelcall-test-sentinel");
            Path conf = dir.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "dir " + dir,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1",
                    ""));
            Process process = new ProcessBuilder(List.of(binary.toString(), conf.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-test-sentinel"));
            RedisSentinels s = new RedisSentinels(master, replica, process, port);
            s.awaitListening();
            s.awaitReplicaInSync();
            return s;
        } catch (IOException e) {
            master.close();
            replica.close();
            throw new IllegalStateException("cannot start redis-sentinel: " + e.getMessage(), e);
        }
    }

    /** {@code host:port} of the Sentinel (as {@code spring.data.redis.sentinel.nodes} takes it). */
    public String nodes() {
        return "127.0.0.1:" + sentinelPort;
    }

    public PrivateRedis master() {
        return master;
    }

    public PrivateRedis replica() {
        return replica;
    }

    /** The master crashes (SIGKILL): the Sentinel notices within 1 s and promotes the replica. */
    public void killMaster() {
        master.kill();
    }

    @Override
    public void close() {
        sentinel.destroy();
        try {
            sentinel.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        master.close();
        replica.close();
    }

    /** The replica's first sync can take seconds on a busy machine: tests start once it follows the master. */
    private void awaitReplicaInSync() {
        Path cli = LocalBinaries.require("redis-cli", "redis-tools");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String info = "";
        while (System.nanoTime() < deadline) {
            info = LocalBinaries.run(List.of(cli.toString(), "-p", Integer.toString(replica.port()), "info",
                    "replication"));
            if (info.contains("master_link_status:up")) {
                return;
            }
            Polling.pause();
        }
        close();
        throw new IllegalStateException("the Redis replica did not sync with its master within 30 s: " + info);
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> tried = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            if (!sentinel.isAlive()) {
                throw new IllegalStateException("redis-sentinel exited at start");
            }
            try (Socket ignored = new Socket("127.0.0.1", sentinelPort)) {
                return;
            } catch (IOException notYet) {
                tried.add(notYet.getMessage());
                Polling.pause();
            }
        }
        throw new IllegalStateException("redis-sentinel did not listen on " + sentinelPort + " within 20 s (last: "
                + (tried.isEmpty() ? "no attempt" : tried.get(tried.size() - 1)) + ")");
    }
}

package io.babelcall.testsupport;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of one test's own (not the JVM's shared one), for fault injection: {@link #pause()} freezes it
 * (SIGSTOP: connections stay open, nothing answers, as in a stalled or partitioned Redis; key TTLs keep counting on
 * the wall clock), {@link #resume()} lets it go on (SIGCONT). Fails, naming the package, without {@code redis-server}.
 */
public final class PrivateRedis implements AutoCloseable {

    private final Process process;
    private final int port;

    private PrivateRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one; {@code extraArgs} are redis-server options (e.g. {@code --replicaof 127.0.0.1 6400}). */
    public static PrivateRedis start(String... extraArgs) {
        RedisServerExtension.Launched l = RedisServerExtension.launch(
                LocalBinaries.require("redis-server", "redis-server"), extraArgs);
        return new PrivateRedis(l.process(), l.port());
    }

    public int port() {
        return port;
    }

    /** SIGKILL: a crashed Redis. */
    public void kill() {
        JanusServer.killNow(process);
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public void pause() {
        signal("-STOP");
    }

    public void resume() {
        signal("-CONT");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume();
            RedisServerExtension.stop(process);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal redis-server: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

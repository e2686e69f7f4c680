package io.babelcall.signaling.bench;

import io.babelcall.common.room.Participant;
import io.babelcall.common.token.ParticipantTokens;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load program for signaling (run by {@code signaling-service/bench.sh}, not a test). Three modes:
 *
 * <ul>
 *   <li>{@code relay}: clients in rooms of 4 send {@code ice} messages at stepped steady rates; each is relayed to one
 *   peer. With {@code --cross} the 4 members of a room sit 2 + 2 on two replicas and every message goes to a peer on
 *   the other replica (through Redis). Prints per step: delivered msgs/s, loss, end-to-end latency p50/p95/p99 (client
 *   send -> client receive, one JVM clock), and the CPU of each server process (from /proc/PID/stat).</li>
 *   <li>{@code idle}: opens idle sockets up to each level (rooms of 4) and prints the server's RSS (/proc/PID/status).</li>
 *   <li>{@code tokens}: writes rooms of 4 into Redis and their members' ids and tokens to a file, for another load
 *   client (e2e/bench/signaling-relay.mjs).</li>
 * </ul>
 * The lean WebSocket client is {@link LeanClient} on one {@link LeanLoop}; rooms and tokens come from {@link BenchRooms}.
 */
public final class RelayBenchmark {

    static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        String mode = argv[0];
        List<String> servers = List.of(a.get("servers").split(","));
        long[] pids = Arrays.stream(a.get("pids").split(",")).mapToLong(Long::parseLong).toArray();
        RedisClient redis = RedisClient.create(a.get("redis"));
        ParticipantTokens tokens = new ParticipantTokens(a.get("secret"), Clock.systemUTC());
        try (var conn = redis.connect()) {
            BenchRooms setup = new BenchRooms(conn.sync(), tokens);
            if (mode.equals("relay")) {
                relay(setup, servers, pids, Integer.parseInt(a.getOrDefault("rooms", "100")),
                        Arrays.stream(a.getOrDefault("rates", "1000,2000,5000,10000,20000,30000,40000").split(","))
                                .mapToInt(Integer::parseInt).toArray(),
                        Integer.parseInt(a.getOrDefault("step-seconds", "10")),
                        Boolean.parseBoolean(a.getOrDefault("cross", "false")));
            } else if (mode.equals("tokens")) {
                tokens(setup, Integer.parseInt(a.getOrDefault("rooms", "100")), Path.of(a.get("out")));
            } else {
                idle(setup, servers.get(0), pids[0], Arrays.stream(a.getOrDefault("levels", "1000,2000,5000,10000")
                        .split(",")).mapToInt(Integer::parseInt).toArray(),
                        Integer.parseInt(a.getOrDefault("hold-seconds", "0")));
            }
        } finally {
            redis.shutdown();
        }
        System.exit(0);
    }

    /**
     * Writes {@code rooms} rooms of 4 into Redis and their members' ids and tokens to {@code out}, for another load
     * client (e2e/bench/signaling-relay.mjs): {@code {"rooms":[[{"id":..,"token":..}, ...], ...]}}.
     */
    static void tokens(BenchRooms setup, int rooms, Path out) throws IOException {
        List<List<Map<String, String>>> all = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String roomId = setup.room();
            List<Map<String, String>> members = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                Participant p = setup.participant(roomId, "u" + r + "-" + m);
                members.add(Map.of("id", p.participantId(), "token", setup.token(roomId, p)));
            }
            all.add(members);
        }
        Files.writeString(out, JSON.writeValueAsString(Map.of("rooms", all)));
    }

    // ------------------------------------------------------------------------------------------------ relay

    static void relay(BenchRooms setup, List<String> servers, long[] pids, int rooms, int[] rates, int stepSeconds,
                      boolean cross) throws Exception {
        RelayStats stats = new RelayStats(rates.length, (int) (Arrays.stream(rates).max().orElse(1) * (stepSeconds + 2L) * 1.2));
        LeanLoop loop = new LeanLoop();
        List<LeanClient> clients = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String roomId = setup.room();
            List<LeanClient> members = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                Participant p = setup.participant(roomId, "u" + r + "-" + m);
                String server = servers.get(cross ? m % 2 : 0);
                LeanClient c = new LeanClient(p.participantId(), m % 2, stats);
                c.connect(loop, URI.create(server), setup.token(roomId, p));
                // One join at a time, so that the rooms are complete before any load starts.
                c.welcome.get(30, TimeUnit.SECONDS);
                members.add(c);
                clients.add(c);
            }
            for (LeanClient c : members) {
                for (LeanClient peer : members) {
                    if (peer != c && (!cross || peer.side != c.side)) {
                        c.target(peer.id);
                    }
                }
            }
        }
        Thread.sleep(1500); // every replica knows every peer
        // Warm-up (JIT), not reported: a few seconds at the first rate, counted as step 0 and then reset.
        runStep(clients, Math.max(1000, rates[0]), 0, TimeUnit.SECONDS.toNanos(5));
        Thread.sleep(1000);
        stats.reset(0);
        System.out.printf("relay: %d clients in %d rooms of 4 on %d replica(s)%s; %d s per step%n", clients.size(),
                rooms, servers.size(), cross ? ", every relay crosses replicas through Redis" : "", stepSeconds);
        System.out.println("| target msgs/s | delivered msgs/s | sent | lost | p50 ms | p95 ms | p99 ms | max ms "
                + "| server CPU % (of 200) | client CPU % | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int saturated = 0;
        for (int step = 0; step < rates.length && saturated < 2; step++) {
            int rate = rates[step];
            long[] cpu0 = ProcStats.cpu(pids);
            long self0 = ProcStats.cpu(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long sent = runStep(clients, rate, step, TimeUnit.SECONDS.toNanos(stepSeconds));
            long wall = System.nanoTime() - t0;
            long[] cpu1 = ProcStats.cpu(pids);
            long self1 = ProcStats.cpu(ProcessHandle.current().pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (stats.received[step].get() < sent && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long got = stats.received[step].get();
            double[] pct = stats.percentiles(step);
            StringBuilder cpuText = new StringBuilder();
            for (int i = 0; i < pids.length; i++) {
                cpuText.append(i == 0 ? "" : " + ").append(String.format("%.0f",
                        (cpu1[i] - cpu0[i]) * 100.0 / ProcStats.CLK_TCK / (wall / 1e9)));
            }
            double delivered = got / (wall / 1e9);
            System.out.printf("| %d | %.0f | %d | %d | %.2f | %.2f | %.2f | %.1f | %s | %.0f | %d |%n", rate, delivered,
                    sent, sent - got, pct[0], pct[1], pct[2], pct[3], cpuText,
                    (self1 - self0) * 100.0 / ProcStats.CLK_TCK / (wall / 1e9), stats.errors.get());
            if (delivered < rate * 0.9 || pct[2] > 1000) {
                saturated++;
            }
        }
        loop.close(); // every socket, as the JDK client's abort() did
    }

    /** Sends {@code rate} msgs/s spread round-robin over the clients for {@code nanos}; returns how many were sent. */
    static long runStep(List<LeanClient> clients, int rate, int step, long nanos) {
        long t0 = System.nanoTime();
        long end = t0 + nanos;
        long sent = 0;
        int rr = 0;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                return sent;
            }
            long due = (long) ((now - t0) / 1e9 * rate);
            while (sent < due) {
                clients.get(rr++ % clients.size()).sendIce(step);
                sent++;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    static void idle(BenchRooms setup, String server, long pid, int[] levels, int holdSeconds) throws Exception {
        RelayStats stats = new RelayStats(1, 1); // only its error count is used
        LeanLoop loop = new LeanLoop();
        List<LeanClient> open = new ArrayList<>();
        System.out.printf("idle sockets (rooms of 4) on one replica; server RSS at start: %d MB%n",
                ProcStats.rssKb(pid) / 1024);
        System.out.println("| idle sockets | server RSS MB | connect time s |");
        System.out.println("|---|---|---|");
        Semaphore inFlight = new Semaphore(32);
        for (int level : levels) {
            long t0 = System.nanoTime();
            List<String> rooms = new ArrayList<>();
            for (int i = open.size(); i < level; i += 4) {
                rooms.add(setup.room());
            }
            // In waves of one member per room: members of one room never join at the same time (see relay()).
            for (int m = 0; m < 4; m++) {
                List<LeanClient> wave = new ArrayList<>();
                for (String roomId : rooms) {
                    Participant p = setup.participant(roomId, "i" + (open.size() + wave.size()));
                    inFlight.acquire();
                    LeanClient c = new LeanClient(p.participantId(), 0, stats);
                    c.connect(loop, URI.create(server), setup.token(roomId, p));
                    var unused = c.welcome.whenComplete((v, e) -> inFlight.release());
                    wave.add(c);
                }
                for (LeanClient c : wave) {
                    c.welcome.get(60, TimeUnit.SECONDS);
                    open.add(c);
                }
            }
            double took = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5000); // settle
            System.out.printf("| %d | %d | %.1f |%n", open.size(), ProcStats.rssKb(pid) / 1024, took);
        }
        Thread.sleep(holdSeconds * 1000L); // time to inspect the server (jmap, jcmd) with the sockets open
        loop.close();
    }
}

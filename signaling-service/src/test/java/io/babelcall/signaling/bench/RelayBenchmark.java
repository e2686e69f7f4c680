package io.babelcall.signaling.bench;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * Load program for signaling (run by {@code signaling-service/bench.sh}, not a test). Two modes:
 *
 * <ul>
 *   <li>{@code relay}: clients in rooms of 4 send {@code ice} messages at stepped steady rates; each is relayed to one
 *   peer. With {@code --cross} the 4 members of a room sit 2 + 2 on two replicas and every message goes to a peer on
 *   the other replica (through Redis). Prints per step: delivered msgs/s, loss, end-to-end latency p50/p95/p99 (client
 *   send -> client receive, one JVM clock), and the CPU of each server process (from /proc/PID/stat).</li>
 *   <li>{@code idle}: opens idle sockets up to each level (rooms of 4) and prints the server's RSS (/proc/PID/status).</li>
 * </ul>
 */
public final class RelayBenchmark {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final long CLK_TCK = 100;

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
            Setup setup = new Setup(conn.sync(), tokens);
            if (mode.equals("relay")) {
                relay(setup, servers, pids, Integer.parseInt(a.getOrDefault("rooms", "100")),
                        Arrays.stream(a.getOrDefault("rates", "1000,2000,5000,10000,20000,30000,40000").split(","))
                                .mapToInt(Integer::parseInt).toArray(),
                        Integer.parseInt(a.getOrDefault("step-seconds", "10")),
                        Boolean.parseBoolean(a.getOrDefault("cross", "false")));
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

    // ------------------------------------------------------------------------------------------------ relay

    static void relay(Setup setup, List<String> servers, long[] pids, int rooms, int[] rates, int stepSeconds,
                      boolean cross) throws Exception {
        HttpClient[] https = new HttpClient[4];
        for (int i = 0; i < https.length; i++) {
            https[i] = HttpClient.newHttpClient();
        }
        Stats stats = new Stats(rates.length, (int) (Arrays.stream(rates).max().orElse(1) * (stepSeconds + 2L) * 1.2));
        List<Client> clients = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String roomId = setup.room();
            List<Client> members = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                Participant p = setup.participant(roomId, "u" + r + "-" + m);
                String server = servers.get(cross ? m % 2 : 0);
                Client c = new Client(p.participantId(), m % 2, stats);
                c.connect(https[clients.size() % https.length], server, setup.token(roomId, p));
                members.add(c);
                clients.add(c);
            }
            for (Client c : members) {
                for (Client peer : members) {
                    if (peer != c && (!cross || peer.side != c.side)) {
                        c.targets.add(peer.id);
                    }
                }
            }
        }
        for (Client c : clients) {
            c.welcome.get(30, TimeUnit.SECONDS);
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
            long[] cpu0 = cpu(pids);
            long self0 = cpu(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            long sent = runStep(clients, rate, step, TimeUnit.SECONDS.toNanos(stepSeconds));
            long wall = System.nanoTime() - t0;
            long[] cpu1 = cpu(pids);
            long self1 = cpu(ProcessHandle.current().pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (stats.received[step].get() < sent && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long got = stats.received[step].get();
            double[] pct = stats.percentiles(step);
            StringBuilder cpuText = new StringBuilder();
            for (int i = 0; i < pids.length; i++) {
                cpuText.append(i == 0 ? "" : " + ").append(String.format("%.0f",
                        (cpu1[i] - cpu0[i]) * 100.0 / CLK_TCK / (wall / 1e9)));
            }
            double delivered = got / (wall / 1e9);
            System.out.printf("| %d | %.0f | %d | %d | %.2f | %.2f | %.2f | %.1f | %s | %.0f | %d |%n", rate, delivered,
                    sent, sent - got, pct[0], pct[1], pct[2], pct[3], cpuText,
                    (self1 - self0) * 100.0 / CLK_TCK / (wall / 1e9), stats.errors.get());
            if (delivered < rate * 0.9 || pct[2] > 1000) {
                saturated++;
            }
        }
        for (Client c : clients) {
            c.ws.abort();
        }
    }

    /** Sends {@code rate} msgs/s spread round-robin over the clients for {@code nanos}; returns how many were sent. */
    static long runStep(List<Client> clients, int rate, int step, long nanos) {
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
            LockSupportSleep.park(1_000_000L);
        }
    }

    static long[] cpu(long[] pids) throws IOException {
        long[] out = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            out[i] = cpu(pids[i]);
        }
        return out;
    }

    /** utime + stime in clock ticks. */
    static long cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Latencies per step in nanoseconds, received counts, errors. */
    static final class Stats {
        final long[][] latencies;
        final AtomicInteger[] count;
        final AtomicLong[] received;
        final AtomicLong errors = new AtomicLong();

        Stats(int steps, int capacity) {
            latencies = new long[steps][];
            count = new AtomicInteger[steps];
            received = new AtomicLong[steps];
            for (int i = 0; i < steps; i++) {
                latencies[i] = new long[Math.max(1, capacity)];
                count[i] = new AtomicInteger();
                received[i] = new AtomicLong();
            }
        }

        void reset(int step) {
            count[step].set(0);
            received[step].set(0);
        }

        void record(int step, long nanos) {
            received[step].incrementAndGet();
            int i = count[step].getAndIncrement();
            if (i < latencies[step].length) {
                latencies[step][i] = nanos;
            }
        }

        double[] percentiles(int step) {
            int n = Math.min(count[step].get(), latencies[step].length);
            if (n == 0) {
                return new double[] {0, 0, 0, 0};
            }
            long[] l = Arrays.copyOf(latencies[step], n);
            Arrays.sort(l);
            return new double[] {l[(int) (n * 0.50)] / 1e6, l[(int) Math.min(n - 1, n * 0.95)] / 1e6,
                    l[(int) Math.min(n - 1, n * 0.99)] / 1e6, l[n - 1] / 1e6};
        }
    }

    /** One benchmark participant: a JDK WebSocket with a one-at-a-time send queue. */
    static final class Client implements WebSocket.Listener {
        final String id;
        final int side;
        final Stats stats;
        final List<String> targets = new ArrayList<>(3);
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        final AtomicBoolean sending = new AtomicBoolean();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;
        int next;

        Client(String id, int side, Stats stats) {
            this.id = id;
            this.side = side;
            this.stats = stats;
        }

        void connect(HttpClient http, String server, String token) {
            ws = http.newWebSocketBuilder().buildAsync(URI.create(server + "?access_token=" + token), this).join();
        }

        void sendIce(int step) {
            String to = targets.get(next++ % targets.size());
            out.add("{\"type\":\"ice\",\"to\":\"" + to + "\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp "
                    + "1677729535 192.0.2.3 54321 typ srflx raddr 10.0.0.1 rport 54321 generation 0 ufrag abcd "
                    + "network-cost 999\",\"sdpMid\":\"" + System.nanoTime() + "\",\"sdpMLineIndex\":" + step
                    + ",\"usernameFragment\":\"abcd\"}}");
            pump();
        }

        void pump() {
            while (!out.isEmpty() && sending.compareAndSet(false, true)) {
                String m = out.poll();
                if (m == null) {
                    sending.set(false);
                    continue;
                }
                ws.sendText(m, true).whenComplete((w, e) -> {
                    sending.set(false);
                    pump();
                });
                return;
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            String s;
            if (partial.length() == 0 && last) {
                s = data.toString();
            } else {
                partial.append(data);
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
                s = partial.toString();
                partial.setLength(0);
            }
            if (s.startsWith("{\"type\":\"ice\"")) {
                int i = s.indexOf("\"sdpMid\":\"") + 10;
                int j = s.indexOf('"', i);
                long sentAt = Long.parseLong(s, i, j, 10);
                int k = s.indexOf("\"sdpMLineIndex\":") + 16;
                int step = 0;
                while (k < s.length() && Character.isDigit(s.charAt(k))) {
                    step = step * 10 + (s.charAt(k++) - '0');
                }
                stats.record(step, now - sentAt);
            } else if (s.startsWith("{\"type\":\"welcome\"")) {
                welcome.complete(null);
            } else if (s.startsWith("{\"type\":\"error\"")) {
                if (stats.errors.incrementAndGet() < 5) {
                    System.err.println("error: " + s);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            stats.errors.incrementAndGet();
            System.err.println("closed " + statusCode + " " + reason);
            return null;
        }
    }

    static final class LockSupportSleep {
        static void park(long nanos) {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        }
    }

    // ------------------------------------------------------------------------------------------------ idle

    static void idle(Setup setup, String server, long pid, int[] levels, int holdSeconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<WebSocket> open = new ArrayList<>();
        System.out.printf("idle sockets (rooms of 4) on one replica; server RSS at start: %d MB%n",
                rssKb(pid) / 1024);
        System.out.println("| idle sockets | server RSS MB | connect time s |");
        System.out.println("|---|---|---|");
        Semaphore inFlight = new Semaphore(32);
        String roomId = null;
        for (int level : levels) {
            long t0 = System.nanoTime();
            List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
            for (int i = open.size(); i < level; i++) {
                if (i % 4 == 0) {
                    roomId = setup.room();
                }
                Participant p = setup.participant(roomId, "i" + i);
                String token = setup.token(roomId, p);
                inFlight.acquire();
                CompletableFuture<Void> welcomed = new CompletableFuture<>();
                CompletableFuture<WebSocket> f = http.newWebSocketBuilder()
                        .buildAsync(URI.create(server + "?access_token=" + token), new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                if (data.toString().startsWith("{\"type\":\"welcome\"")) {
                                    welcomed.complete(null);
                                }
                                ws.request(1);
                                return null;
                            }
                        })
                        .thenCompose(ws -> welcomed.thenApply(v -> ws))
                        .whenComplete((ws, e) -> inFlight.release());
                pending.add(f);
            }
            for (CompletableFuture<WebSocket> f : pending) {
                open.add(f.get(60, TimeUnit.SECONDS));
            }
            double took = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5000); // settle
            System.out.printf("| %d | %d | %.1f |%n", open.size(), rssKb(pid) / 1024, took);
        }
        Thread.sleep(holdSeconds * 1000L); // time to inspect the server (jmap, jcmd) with the sockets open
        for (WebSocket ws : open) {
            ws.abort();
        }
    }

    /** Writes rooms and participants into Redis as the api does, and signs their tokens. */
    static final class Setup {
        final RedisCommands<String, String> redis;
        final ParticipantTokens tokens;

        Setup(RedisCommands<String, String> redis, ParticipantTokens tokens) {
            this.redis = redis;
            this.tokens = tokens;
        }

        String room() {
            String roomId = "bench-" + UUID.randomUUID().toString().substring(0, 12);
            redis.hset(RedisKeys.room(roomId), Map.of("name", "bench", "maxParticipants", "6"));
            redis.expire(RedisKeys.room(roomId), 3600);
            return roomId;
        }

        Participant participant(String roomId, String name) {
            Participant p = new Participant(UUID.randomUUID().toString(), name, LanguageCode.of("en"),
                    LanguageCode.of("en"), false, Instant.now());
            redis.hset(RedisKeys.participants(roomId), p.participantId(), JSON.writeValueAsString(p));
            redis.expire(RedisKeys.participants(roomId), 3600);
            return p;
        }

        String token(String roomId, Participant p) {
            Instant now = Instant.now();
            return tokens.sign(new ParticipantClaims(roomId, p.participantId(), p.displayName(), p.spokenLanguage(),
                    p.captionLanguage(), p.dubbing(), now, now.plus(Duration.ofHours(2)), UUID.randomUUID().toString()));
        }
    }
}

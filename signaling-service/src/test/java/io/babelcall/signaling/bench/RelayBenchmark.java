package io.babelcall.signaling.bench;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.common.token.ParticipantTokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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
    static void tokens(Setup setup, int rooms, Path out) throws IOException {
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

    static void relay(Setup setup, List<String> servers, long[] pids, int rooms, int[] rates, int stepSeconds,
                      boolean cross) throws Exception {
        Stats stats = new Stats(rates.length, (int) (Arrays.stream(rates).max().orElse(1) * (stepSeconds + 2L) * 1.2));
        Loop loop = new Loop();
        List<Client> clients = new ArrayList<>();
        for (int r = 0; r < rooms; r++) {
            String roomId = setup.room();
            List<Client> members = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                Participant p = setup.participant(roomId, "u" + r + "-" + m);
                String server = servers.get(cross ? m % 2 : 0);
                Client c = new Client(p.participantId(), m % 2, stats);
                c.connect(loop, URI.create(server), setup.token(roomId, p));
                // One join at a time: a peer-joined sent to a socket while its welcome is being sent can trip the
                // server's slow-consumer check (1013; TomcatConnection.stuck() before the first write's start time).
                c.welcome.get(30, TimeUnit.SECONDS);
                members.add(c);
                clients.add(c);
            }
            for (Client c : members) {
                for (Client peer : members) {
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
        loop.close(); // every socket, as the JDK client's abort() did
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
            LockSupport.parkNanos(1_000_000L);
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
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
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

    // ------------------------------------------------------------------------------------------------ lean client
    //
    // A minimal RFC 6455 client on java.nio instead of java.net.http.WebSocket: that client spent ~0.9 core at
    // 35 000 msgs/s on the two cores the server also needs (futures, a send queue and a hand-off per message, UTF-16
    // <-> UTF-8 coding). Here the pacing thread writes each message straight to its socket (one syscall, bytes mostly
    // pre-encoded) and one selector thread reads every socket and parses only what the measurement needs.

    /** The selector thread: reads and parses every socket, answers pings, finishes writes a socket did not take. */
    static final class Loop {
        final Selector selector;
        final Thread thread = new Thread(this::run, "bench-io");
        volatile boolean running = true;
        /** One socket's unparsed bytes: the incomplete frame left from its last read, then the new read. */
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        /** Scratch for the control frames this thread sends (pong, close). */
        final byte[] controlFrame = new byte[8 + 125];
        final ByteBuffer control = ByteBuffer.wrap(controlFrame);

        Loop() throws IOException {
            selector = Selector.open();
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running) {
                    selector.select(this::ready);
                }
            } catch (IOException e) {
                System.err.println("selector failed: " + e);
            }
        }

        private void ready(SelectionKey key) {
            Client c = (Client) key.attachment();
            try {
                if (key.isWritable()) {
                    c.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) { // RuntimeException: e.g. the key cancelled meanwhile
                c.lost("connection failed: " + e);
            }
        }

        private void read(Client c) throws IOException {
            if (in.capacity() - c.restLength < 16 * 1024) { // a frame larger than the buffer: grow it
                in = ByteBuffer.allocate(in.capacity() * 2);
            }
            byte[] b = in.array();
            System.arraycopy(c.rest, 0, b, 0, c.restLength);
            in.limit(in.capacity()).position(c.restLength);
            if (c.channel.read(in) < 0) {
                c.lost("connection closed by the server");
                return;
            }
            long now = System.nanoTime(); // receive time of every message in this read
            int end = in.position();
            int used = c.upgraded ? c.frames(b, 0, end, now) : c.handshake(b, end, now);
            c.keep(b, used, end);
        }

        /** Stops the thread and closes every socket (without a close handshake). */
        void close() throws IOException, InterruptedException {
            running = false;
            selector.wakeup();
            thread.join();
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }

    /** One benchmark participant on a lean WebSocket (see the section comment). */
    static final class Client {
        /** RFC 6455's example nonce and its accept value: a benchmark needs no random nonce. */
        static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
        static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
        /**
         * Fixed masking key. RFC 6455 wants a fresh unpredictable key per frame so that a browser script cannot steer
         * the bytes a proxy sees; a benchmark on loopback has no such proxy, and a fixed key lets the constant part of
         * each message be masked once.
         */
        static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};
        /** Frame header of an ice message: FIN + text, masked, 16-bit length (the message is 126..65535 bytes). */
        static final int HEADER = 2 + 2 + 4;
        static final byte[] ICE_TO = ascii("{\"type\":\"ice\",\"to\":\"");
        static final byte[] ICE_CANDIDATE = ascii("\",\"candidate\":{\"candidate\":\"candidate:842163049 1 udp "
                + "1677729535 192.0.2.3 54321 typ srflx raddr 10.0.0.1 rport 54321 generation 0 ufrag abcd "
                + "network-cost 999\",\"sdpMid\":\"");
        static final byte[] ICE_MLINE = ascii("\",\"sdpMLineIndex\":");
        static final byte[] ICE_END = ascii(",\"usernameFragment\":\"abcd\"}}");
        static final byte[] TYPE_ICE = ascii("{\"type\":\"ice\"");
        static final byte[] TYPE_WELCOME = ascii("{\"type\":\"welcome\"");
        /**
         * {@code -Dbench.extensions}: a {@code Sec-WebSocket-Extensions} header to ask for, e.g. browsers'
         * {@code permessage-deflate; client_max_window_bits}, to measure what a server that grants it keeps per socket.
         */
        static final String EXTENSIONS = System.getProperty("bench.extensions", "");
        static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
        static final byte[] TYPE_ERROR = ascii("{\"type\":\"error\"");
        static final byte[] SDP_MID = ascii("\"sdpMid\":\"");
        static final byte[] SDP_MLINE = ascii("\"sdpMLineIndex\":");
        static final byte[] END_OF_HEAD = ascii("\r\n\r\n");

        final String id;
        final int side;
        final Stats stats;
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        /** Only when the server granted permessage-deflate (see EXTENSIONS). */
        private Inflater inflater;
        /** The text message being received is deflated. */
        private boolean compressed;
        /** Per target, the masked bytes of an ice message up to the send time (masked from payload offset 0). */
        final List<byte[]> icePrefixes = new ArrayList<>(3);
        Loop loop;
        SocketChannel channel;
        SelectionKey key;

        // Pacing thread only.
        ByteBuffer iceFrame;
        int next;

        // Selector thread only.
        boolean upgraded;
        byte[] rest = new byte[0];
        int restLength;
        /** A text message that arrives in several frames (Tomcat splits messages larger than its 1 KiB buffer). */
        ByteArrayOutputStream fragments;

        // Guarded by this (the pacing thread sends, the selector thread answers pings and finishes writes).
        /** Bytes the socket did not take yet, in write mode; null when none. */
        ByteBuffer pending;
        boolean closed;

        Client(String id, int side, Stats stats) {
            this.id = id;
            this.side = side;
            this.stats = stats;
        }

        /**
         * Connects and sends the upgrade request blocking (set-up is not measured), then hands the socket to the
         * selector thread, which checks the 101 and completes {@link #welcome} on the server's welcome. The token
         * travels as the {@code access_token} query parameter, as the JDK client sent it.
         */
        void connect(Loop loop, URI server, String token) throws IOException {
            this.loop = loop;
            channel = SocketChannel.open(new InetSocketAddress(server.getHost(), server.getPort()));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // as the JDK client: no Nagle delay
            ByteBuffer request = ByteBuffer.wrap(ascii("GET " + server.getRawPath() + "?access_token=" + token
                    + " HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (EXTENSIONS.isEmpty() ? "" : "Sec-WebSocket-Extensions: " + EXTENSIONS + "\r\n") + "\r\n"));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            channel.configureBlocking(false);
            key = channel.register(loop.selector, SelectionKey.OP_READ, this);
            loop.selector.wakeup(); // a select() already in progress does not watch the new key
        }

        /** Adds a peer that ice messages go to, round-robin. */
        void target(String peerId) {
            byte[] to = ascii(peerId);
            byte[] prefix = new byte[ICE_TO.length + to.length + ICE_CANDIDATE.length];
            put(prefix, put(prefix, put(prefix, 0, ICE_TO), to), ICE_CANDIDATE);
            mask(prefix, 0, 0, prefix.length);
            icePrefixes.add(prefix);
            int longest = HEADER + prefix.length + 20 + ICE_MLINE.length + 11 + ICE_END.length; // 20, 11: long, int
            if (iceFrame == null || iceFrame.capacity() < longest) {
                iceFrame = ByteBuffer.allocate(longest).put(0, (byte) 0x81).put(1, (byte) (0x80 | 126)).put(4, MASK);
            }
        }

        /**
         * The same message as ever ({@code sdpMid} carries the send time, {@code sdpMLineIndex} the step): the masked
         * prefix is copied, only the time, the step and the closing bytes are written and masked per message.
         */
        void sendIce(int step) {
            byte[] prefix = icePrefixes.get(next++ % icePrefixes.size());
            byte[] f = iceFrame.array();
            int start = put(f, HEADER, prefix);
            int p = decimal(f, start, System.nanoTime());
            p = put(f, p, ICE_MLINE);
            p = decimal(f, p, step);
            p = put(f, p, ICE_END);
            int length = p - HEADER;
            f[2] = (byte) (length >>> 8);
            f[3] = (byte) length;
            mask(f, start, start - HEADER, p);
            write(iceFrame.limit(p).position(0));
        }

        /** Writes at once when nothing is pending; what the socket does not take is finished by the selector thread. */
        synchronized void write(ByteBuffer frame) {
            if (closed) {
                return;
            }
            try {
                if (pending == null) {
                    channel.write(frame);
                    if (!frame.hasRemaining()) {
                        return;
                    }
                    pending = ByteBuffer.allocate(Math.max(4096, frame.remaining()));
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    loop.selector.wakeup();
                }
                if (pending.remaining() < frame.remaining()) {
                    pending = ByteBuffer.allocate(2 * (pending.position() + frame.remaining())).put(pending.flip());
                }
                pending.put(frame);
            } catch (IOException | RuntimeException e) {
                lost("send failed: " + e);
            }
        }

        synchronized void flush() throws IOException {
            if (pending == null) {
                return;
            }
            channel.write(pending.flip());
            if (pending.hasRemaining()) {
                pending.compact();
            } else {
                pending = null;
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        /** Checks the upgrade response; returns how many bytes were used (0 while it is incomplete). */
        int handshake(byte[] b, int end, long now) throws IOException {
            int head = indexOf(b, 0, end, END_OF_HEAD);
            if (head < 0) {
                return 0;
            }
            String[] lines = new String(b, 0, head, StandardCharsets.ISO_8859_1).split("\r\n");
            boolean accepted = lines[0].split(" ", -1)[1].equals("101") && Arrays.stream(lines).anyMatch(l ->
                    l.regionMatches(true, 0, "Sec-WebSocket-Accept:", 0, 21) && l.substring(21).trim().equals(ACCEPT));
            if (!accepted) {
                lost("handshake refused: " + lines[0]);
                return end;
            }
            upgraded = true;
            return frames(b, head + END_OF_HEAD.length, end, now);
        }

        /** Handles every complete frame in {@code b[p..end)} (server frames are unmasked); returns where they end. */
        int frames(byte[] b, int p, int end, long now) throws IOException {
            while (end - p >= 2) {
                int hdr = 2;
                long length = b[p + 1] & 0x7f;
                if (length == 126) {
                    if (end - p < 4) {
                        break;
                    }
                    length = (long) (((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff));
                    hdr = 4;
                } else if (length == 127) {
                    if (end - p < 10) {
                        break;
                    }
                    length = ByteBuffer.wrap(b, p + 2, 8).getLong();
                    hdr = 10;
                }
                if ((b[p + 1] & 0x80) != 0) {
                    throw new IOException("masked frame from the server");
                }
                if (end - p - hdr < length) {
                    break;
                }
                if ((b[p] & 0x0f) == 0x1) { // a message's first frame says (RSV1) whether it is deflated
                    compressed = (b[p] & 0x40) != 0;
                }
                frame((b[p] & 0x80) != 0, b[p] & 0x0f, b, p + hdr, (int) length, now);
                p += hdr + (int) length;
            }
            return p;
        }

        private void message(byte[] b, int off, int length, long now) {
            if (compressed) {
                byte[] m = inflate(b, off, length);
                text(m, 0, m.length, now);
            } else {
                text(b, off, length, now);
            }
        }

        private byte[] inflate(byte[] b, int off, int length) {
            if (inflater == null) {
                inflater = new Inflater(true);
            }
            inflater.setInput(ByteBuffer.allocate(length + 4).put(b, off, length).put(DEFLATE_TAIL).flip());
            ByteArrayOutputStream out = new ByteArrayOutputStream(length * 4);
            byte[] chunk = new byte[4096];
            try {
                while (!inflater.needsInput()) {
                    out.write(chunk, 0, inflater.inflate(chunk));
                }
            } catch (DataFormatException e) {
                throw new IllegalStateException("bad deflated message from the server", e);
            }
            return out.toByteArray();
        }

        private void frame(boolean fin, int opcode, byte[] b, int off, int length, long now) {
            switch (opcode) {
                case 0x1 -> { // text
                    if (fin) {
                        message(b, off, length, now);
                    } else {
                        fragments = new ByteArrayOutputStream();
                        fragments.write(b, off, length);
                    }
                }
                case 0x0 -> { // continuation (of a text message: binary is not used by signaling)
                    if (fragments != null) {
                        fragments.write(b, off, length);
                        if (fin) {
                            byte[] m = fragments.toByteArray();
                            fragments = null;
                            message(m, 0, m.length, now);
                        }
                    }
                }
                case 0x9 -> control(0xA, b, off, length); // ping -> pong with the same payload
                case 0x8 -> { // close: echo the status code, then drop the socket
                    int code = length >= 2 ? ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff) : 1005;
                    String reason = length > 2 ? new String(b, off + 2, length - 2, StandardCharsets.UTF_8) : "";
                    control(0x8, b, off, Math.min(length, 2));
                    lost("closed " + code + " " + reason);
                }
                default -> { // pong, binary
                }
            }
        }

        private void text(byte[] b, int off, int length, long now) {
            int end = off + length;
            if (startsWith(b, off, end, TYPE_ICE)) {
                int i = indexOf(b, off, end, SDP_MID) + SDP_MID.length;
                boolean negative = b[i] == '-';
                long sentAt = 0;
                for (i += negative ? 1 : 0; b[i] != '"'; i++) {
                    sentAt = sentAt * 10 + (b[i] - '0');
                }
                int k = indexOf(b, i, end, SDP_MLINE) + SDP_MLINE.length;
                int step = 0;
                while (k < end && b[k] >= '0' && b[k] <= '9') {
                    step = step * 10 + (b[k++] - '0');
                }
                stats.record(step, now - (negative ? -sentAt : sentAt));
            } else if (startsWith(b, off, end, TYPE_WELCOME)) {
                welcome.complete(null);
            } else if (startsWith(b, off, end, TYPE_ERROR)) {
                if (stats.errors.incrementAndGet() < 5) {
                    System.err.println("error: " + new String(b, off, length, StandardCharsets.UTF_8));
                }
            }
        }

        /** A masked control frame (payload <= 125 bytes), written with the selector thread's scratch buffer. */
        private void control(int opcode, byte[] payload, int off, int length) {
            ByteBuffer c = loop.control.clear();
            byte[] f = loop.controlFrame;
            f[0] = (byte) (0x80 | opcode);
            f[1] = (byte) (0x80 | length);
            System.arraycopy(MASK, 0, f, 2, 4);
            System.arraycopy(payload, off, f, 6, length);
            mask(f, 6, 0, 6 + length);
            write(c.limit(6 + length));
        }

        /** Keeps {@code b[from..end)}, an incomplete frame (or response head), for the next read. */
        void keep(byte[] b, int from, int end) {
            restLength = end - from;
            if (rest.length < restLength) {
                rest = new byte[Math.max(restLength, 512)];
            }
            System.arraycopy(b, from, rest, 0, restLength);
        }

        /** Closes the socket; the first time, counts an error and says why (as the JDK client's onClose did). */
        synchronized void lost(String why) {
            if (closed) {
                return;
            }
            closed = true;
            key.cancel();
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
            stats.errors.incrementAndGet();
            System.err.println(why);
            welcome.completeExceptionally(new IOException(why));
        }

        /** XORs {@code b[from..end)} with {@link #MASK}; {@code maskAt} is the payload offset of {@code from}. */
        static void mask(byte[] b, int from, int maskAt, int end) {
            for (int i = from, m = maskAt; i < end; i++, m++) {
                b[i] ^= MASK[m & 3];
            }
        }

        static int decimal(byte[] b, int p, long v) {
            if (v < 0) {
                b[p++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long x = v / 10; x > 0; x /= 10) {
                digits++;
            }
            for (int i = p + digits - 1; i >= p; i--) {
                b[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            return p + digits;
        }

        static int put(byte[] b, int p, byte[] bytes) {
            System.arraycopy(bytes, 0, b, p, bytes.length);
            return p + bytes.length;
        }

        static boolean startsWith(byte[] b, int off, int end, byte[] prefix) {
            return end - off >= prefix.length && Arrays.equals(b, off, off + prefix.length, prefix, 0, prefix.length);
        }

        static int indexOf(byte[] b, int from, int end, byte[] pattern) {
            for (int i = from; i <= end - pattern.length; i++) {
                if (Arrays.equals(b, i, i + pattern.length, pattern, 0, pattern.length)) {
                    return i;
                }
            }
            return -1;
        }

        static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
    }

    // ------------------------------------------------------------------------------------------------ idle

    static void idle(Setup setup, String server, long pid, int[] levels, int holdSeconds) throws Exception {
        Stats stats = new Stats(1, 1); // only its error count is used
        Loop loop = new Loop();
        List<Client> open = new ArrayList<>();
        System.out.printf("idle sockets (rooms of 4) on one replica; server RSS at start: %d MB%n",
                rssKb(pid) / 1024);
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
                List<Client> wave = new ArrayList<>();
                for (String roomId : rooms) {
                    Participant p = setup.participant(roomId, "i" + (open.size() + wave.size()));
                    inFlight.acquire();
                    Client c = new Client(p.participantId(), 0, stats);
                    c.connect(loop, URI.create(server), setup.token(roomId, p));
                    var unused = c.welcome.whenComplete((v, e) -> inFlight.release());
                    wave.add(c);
                }
                for (Client c : wave) {
                    c.welcome.get(60, TimeUnit.SECONDS);
                    open.add(c);
                }
            }
            double took = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(5000); // settle
            System.out.printf("| %d | %d | %.1f |%n", open.size(), rssKb(pid) / 1024, took);
        }
        Thread.sleep(holdSeconds * 1000L); // time to inspect the server (jmap, jcmd) with the sockets open
        loop.close();
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

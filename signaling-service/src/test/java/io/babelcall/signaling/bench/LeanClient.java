package io.babelcall.signaling.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * One benchmark participant on a lean WebSocket. A minimal RFC 6455 client on java.nio instead of
 * java.net.http.WebSocket: that client spent ~0.9 core at 35 000 msgs/s on the two cores the server also needs
 * (futures, a send queue and a hand-off per message, UTF-16 <-> UTF-8 coding). Here the pacing thread writes each
 * message straight to its socket (one syscall, bytes mostly pre-encoded) and one selector thread reads every socket
 * and parses only what the measurement needs.
 */
final class LeanClient {
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
    final RelayStats stats;
    final CompletableFuture<Void> welcome = new CompletableFuture<>();
    /** Only when the server granted permessage-deflate (see EXTENSIONS). */
    private Inflater inflater;
    /** The text message being received is deflated. */
    private boolean compressed;
    /** Per target, the masked bytes of an ice message up to the send time (masked from payload offset 0). */
    final List<byte[]> icePrefixes = new ArrayList<>(3);
    LeanLoop loop;
    SocketChannel channel;
    SelectionKey key;

    // Pacing thread only.
    ByteBuffer iceFrame;
    int next;

    // Selector thread only.
    boolean upgraded;
    byte[] rest = new byte[0];
    int restLength;
    /** A text message that arrives in several frames (a server may split a long message into several frames). */
    ByteArrayOutputStream fragments;

    // Guarded by this (the pacing thread sends, the selector thread answers pings and finishes writes).
    /** Bytes the socket did not take yet, in write mode; null when none. */
    ByteBuffer pending;
    boolean closed;

    LeanClient(String id, int side, RelayStats stats) {
        this.id = id;
        this.side = side;
        this.stats = stats;
    }

    /**
     * Connects and sends the upgrade request blocking (set-up is not measured), then hands the socket to the
     * selector thread, which checks the 101 and completes {@link #welcome} on the server's welcome. The token
     * travels as the {@code access_token} query parameter, as the JDK client sent it.
     */
    void connect(LeanLoop loop, URI server, String token) throws IOException {
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

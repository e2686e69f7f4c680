package io.babelcall.signaling.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/** The selector thread: reads and parses every socket, answers pings, finishes writes a socket did not take. */
final class LeanLoop {
    final Selector selector;
    final Thread thread = new Thread(this::run, "bench-io");
    volatile boolean running = true;
    /** One socket's unparsed bytes: the incomplete frame left from its last read, then the new read. */
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    /** Scratch for the control frames this thread sends (pong, close). */
    final byte[] controlFrame = new byte[8 + 125];
    final ByteBuffer control = ByteBuffer.wrap(controlFrame);

    LeanLoop() throws IOException {
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
        LeanClient c = (LeanClient) key.attachment();
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

    private void read(LeanClient c) throws IOException {
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

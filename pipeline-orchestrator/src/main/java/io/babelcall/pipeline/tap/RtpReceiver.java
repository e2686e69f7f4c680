package io.babelcall.pipeline.tap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's one UDP socket for forwarded RTP, read by one thread that hands every datagram to a {@link Handler}
 * (which must not block). A datagram that fills the whole buffer may have been cut, and is handed on as too short to
 * be anything (the handler counts it malformed); a handler failure is logged and the next datagram read.
 */
final class RtpReceiver implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RtpReceiver.class);
    /** Larger than any RTP packet on an Ethernet path (Opus packets are at most 1275 bytes plus headers). */
    static final int MAX_DATAGRAM = 2048;

    @FunctionalInterface
    interface Handler {
        void onDatagram(byte[] data, int length, long arrivalNanos);
    }

    private final DatagramChannel channel;
    private final Handler handler;
    private final Thread thread;

    RtpReceiver(InetSocketAddress bind, int receiveBufferBytes, Handler handler) throws IOException {
        this.handler = handler;
        this.channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            channel.bind(bind);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.thread = new Thread(this::run, "rtp-receiver");
        thread.setDaemon(true);
    }

    /** The bound port (the chosen one when the configured port was 0). */
    int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("RTP socket closed", e);
        }
    }

    void start() {
        thread.start();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        byte[] data = buffer.array();
        while (channel.isOpen()) {
            buffer.clear();
            try {
                channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("RTP socket read failed: {}", e.toString());
                continue;
            }
            int length = buffer.position() == MAX_DATAGRAM ? 0 : buffer.position();
            try {
                handler.onDatagram(data, length, System.nanoTime());
            } catch (RuntimeException e) {
                log.warn("RTP datagram handling failed: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing the RTP socket: {}", e.toString());
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.babelcall.pipeline.audio;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.Connection;

/**
 * The Netty side of the audio socket's frame limit. Netty's WebSocket decoder refuses a frame over the limit as soon as
 * its header arrives (nothing of it is buffered), but by default it then writes its own close frame and closes the
 * connection at once: with the rest of the frame still arriving, the kernel answers with a reset, and a client still
 * sending (say a 16 MiB frame) may see an abnormal closure (1006) instead of 1009, without the error frame. Installed
 * on each upgraded audio channel, this
 * <ul>
 *   <li>replaces the decoder by one that reports protocol violations to the handler instead, which answers like any
 *       rejection ({@link #rejection}: error frame, then 1009 {@code too_big} or 1002 {@code protocol_error});</li>
 *   <li>makes every close graceful: after the close frame the server half-closes the connection, discards what the
 *       client still sends (reading on, without decoding) and closes when the client does, or after {@link #LINGER}.</li>
 * </ul>
 */
public final class AudioChannelGuard {

    /** How long a closing audio connection waits for the client to finish sending and close its side. */
    public static final Duration LINGER = Duration.ofSeconds(2);
    private static final String LINGER_HANDLER = "babelcall.audio.linger";

    private AudioChannelGuard() {
    }

    /** The Netty channel of a request served by Reactor Netty, else null. */
    public static Channel channel(ServerWebExchange exchange) {
        Object request = ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest());
        return request instanceof Connection c ? c.channel() : null;
    }

    /** Installs the guard on a channel whose WebSocket handshake is done; {@code maxFrameBytes} is the frame limit. */
    public static void install(Channel channel, int maxFrameBytes) {
        ChannelPipeline pipeline = channel.pipeline();
        var decoder = pipeline.context(WebSocketFrameDecoder.class);
        if (decoder == null || pipeline.get(LINGER_HANDLER) != null) {
            return;
        }
        // The handshaker's settings (masked client frames, extensions allowed), the same limit, no close of its own.
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxFrameBytes)
                .expectMaskedFrames(true)
                .allowMaskMismatch(false)
                .allowExtensions(true)
                .closeOnProtocolViolation(false)
                .build();
        String name = decoder.name();
        pipeline.replace(name, name, new WebSocket13FrameDecoder(config));
        pipeline.addBefore(name, LINGER_HANDLER, new Linger());
    }

    /**
     * The rejection for an error of the socket's inbound stream: a frame (or a message of fragments) over the limit, or
     * another protocol violation; null for any other error.
     */
    public static AudioRejectedException rejection(Throwable error, int maxFrameBytes) {
        if (error instanceof TooLongFrameException || (error instanceof CorruptedWebSocketFrameException c
                && c.closeStatus() != null && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code())) {
            return new AudioRejectedException(AudioRejection.TOO_BIG,
                    "a frame (or a message of fragments) may hold at most " + maxFrameBytes + " bytes");
        }
        if (error instanceof CorruptedWebSocketFrameException) {
            return new AudioRejectedException(AudioRejection.PROTOCOL_ERROR, "not a valid WebSocket frame");
        }
        return null;
    }

    /** Sits before the decoder: on close, half-closes and drops the raw bytes that still arrive until the client closes. */
    private static final class Linger extends ChannelDuplexHandler {

        private boolean lingering; // event loop only

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (lingering) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        // ctx.close(promise) returns the promise it was given, which the caller of close() already holds
        @SuppressWarnings("FutureReturnValueIgnored")
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            Channel channel = ctx.channel();
            if (lingering) {
                channel.closeFuture().addListener(f -> promise.trySuccess());
                return;
            }
            if (!channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
                ctx.close(promise);
                return;
            }
            lingering = true;
            // Everything written before (the close frame) is flushed: the FIN follows it, the client reads it all.
            var deadline = ctx.executor().schedule(() -> {
                ctx.close(promise);
            }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> {
                deadline.cancel(false);
                promise.trySuccess();
            });
            duplex.shutdownOutput().addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.close(promise);
                }
            });
            channel.config().setAutoRead(true);
            ctx.read();
        }
    }
}

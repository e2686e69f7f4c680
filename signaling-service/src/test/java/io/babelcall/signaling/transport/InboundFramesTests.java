package io.babelcall.signaling.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.signaling.session.ClientConnection;
import io.babelcall.signaling.session.LocalSession;
import io.babelcall.signaling.session.SignalingEvents;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import static org.awaitility.Awaitility.await;

/** Assembly, ordering, backpressure and close codes of one socket's inbound frames, without a socket. */
class InboundFramesTests {

    static final int MAX = 1024;

    final LocalSession session = mock(LocalSession.class);
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
    final AtomicLong requested = new AtomicLong();
    final Queue<Runnable> worker = new ArrayDeque<>();

    final SignalingEvents events = new SignalingEvents() {
        @Override
        public LocalSession onOpen(ClientConnection connection, ParticipantClaims claims) {
            record("open");
            return session;
        }

        @Override
        public void onText(LocalSession s, String text, long receivedAtNanos) {
            record("text " + text);
        }

        @Override
        public void onBinary(LocalSession s) {
            record("binary");
        }

        @Override
        public void onTooBig(LocalSession s) {
            record("too big");
        }

        @Override
        public void onPong(LocalSession s) {
            record("pong");
        }

        @Override
        public void onPing(LocalSession s) {
            record("ping");
        }

        @Override
        public void onClose(LocalSession s, int code) {
            record("close " + code);
        }

        private void record(String event) {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            seen.add(event);
            inside.decrementAndGet();
        }
    };

    final Subscription subscription = new Subscription() {
        @Override
        public void request(long n) {
            requested.addAndGet(n);
        }

        @Override
        public void cancel() {
        }
    };

    /** Frames handled on a worker the test runs by hand ({@link #work}). */
    InboundFrames frames() {
        InboundFrames f = new InboundFrames(events, null, null, worker::add, MAX);
        f.onSubscribe(subscription);
        return f;
    }

    void work() {
        for (Runnable r; (r = worker.poll()) != null; ) {
            r.run();
        }
    }

    static ContinuationWebSocketFrame continuation(boolean last, byte[] bytes) {
        return new ContinuationWebSocketFrame(last, 0, Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void aMessageInFragmentsIsHandledOnceWholeEvenWithACharacterSplitBetweenThem() {
        InboundFrames f = frames();
        byte[] utf8 = "{\"text\":\"señor ünïcode\"}".getBytes(StandardCharsets.UTF_8);
        int split = "{\"text\":\"se".length() + 1; // inside the two bytes of ñ
        f.onNext(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(Arrays.copyOfRange(utf8, 0, split))));
        f.onNext(continuation(false, Arrays.copyOfRange(utf8, split, split + 3)));
        f.onNext(continuation(true, Arrays.copyOfRange(utf8, split + 3, utf8.length)));
        f.onNext(new TextWebSocketFrame("{\"type\":\"ping\"}"));
        work();
        assertThat(seen).containsExactly("open", "text {\"text\":\"señor ünïcode\"}", "text {\"type\":\"ping\"}");
    }

    @Test
    void aMessageOverTheLimitInFragmentsIsTooBigOnceAndItsRestIsDropped() {
        InboundFrames f = frames();
        f.onNext(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[600])));
        f.onNext(continuation(false, new byte[600])); // 1200 bytes: over
        f.onNext(continuation(false, new byte[600]));
        f.onNext(continuation(true, new byte[10]));
        f.onNext(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[100])));
        f.onNext(continuation(true, new byte[100]));
        f.onNext(new TextWebSocketFrame("after"));
        work();
        assertThat(seen).containsExactly("open", "too big", "binary", "text after");
    }

    @Test
    void eventsOfOneSocketRunInOrderAndNeverTwoAtOnce() {
        ForkJoinPool pool = new ForkJoinPool(4);
        try {
            InboundFrames f = new InboundFrames(events, null, null, pool, MAX);
            f.onSubscribe(subscription);
            for (int i = 0; i < 2000; i++) {
                f.onNext(new TextWebSocketFrame(Integer.toString(i)));
                if (i % 100 == 0) {
                    f.onNext(new PongWebSocketFrame());
                }
            }
            f.onComplete();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("close 1006"));
            List<String> texts = seen.stream().filter(e -> e.startsWith("text ")).toList();
            assertThat(texts).hasSize(2000);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(texts.get(i)).isEqualTo("text " + i);
            }
            assertThat(seen.get(0)).isEqualTo("open");
            assertThat(seen.get(seen.size() - 1)).isEqualTo("close 1006");
            assertThat(overlaps).hasValue(0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void noMoreFramesAreReadThanTheWorkerHasRoomFor() {
        InboundFrames f = frames();
        assertThat(requested).hasValue(InboundFrames.WINDOW);
        for (int i = 0; i < InboundFrames.WINDOW; i++) {
            f.onNext(new TextWebSocketFrame("m" + i));
        }
        assertThat(requested).as("nothing handled yet: no more demand").hasValue(InboundFrames.WINDOW);
        work();
        assertThat(seen).hasSize(1 + InboundFrames.WINDOW);
        assertThat(requested).as("handled: as much demand again").hasValue(2L * InboundFrames.WINDOW);
    }

    @Test
    void fragmentsThatCompleteNoMessageAreReplacedAtOnce() {
        InboundFrames f = frames();
        f.onNext(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[10])));
        f.onNext(continuation(false, new byte[10]));
        assertThat(requested).hasValue(InboundFrames.WINDOW + 2L);
    }

    @Test
    void theCloseCodeIsTheCloseFramesOrAbnormalWithoutOne() {
        InboundFrames f = frames();
        f.closeStatus(WebSocketCloseStatus.NORMAL_CLOSURE);
        f.onComplete();
        work();
        assertThat(seen).containsExactly("open", "close 1000");

        seen.clear();
        InboundFrames dropped = frames();
        dropped.onError(new java.io.IOException("Connection reset by peer"));
        work();
        assertThat(seen).containsExactly("open", "close 1006");
    }

    @Test
    void aFrameTheDecoderRefusedAsTooBigIsReportedAsSuchBeforeTheClose() {
        InboundFrames f = frames();
        f.onNext(new TextWebSocketFrame("fine"));
        f.onError(new CorruptedWebSocketFrameException(WebSocketCloseStatus.MESSAGE_TOO_BIG, "Max frame length"));
        work();
        assertThat(seen).containsExactly("open", "text fine", "too big", "close 1009");
    }

    @Test
    void nothingReachesTheLogicOfASocketItRefusedAtOpen() {
        SignalingEvents refusing = new SignalingEvents() {
            @Override
            public LocalSession onOpen(ClientConnection connection, ParticipantClaims claims) {
                seen.add("refused");
                return null;
            }

            @Override
            public void onText(LocalSession s, String text, long at) {
                seen.add("text");
            }

            @Override
            public void onBinary(LocalSession s) {
                seen.add("binary");
            }

            @Override
            public void onTooBig(LocalSession s) {
                seen.add("too big");
            }

            @Override
            public void onPong(LocalSession s) {
                seen.add("pong");
            }

            @Override
            public void onPing(LocalSession s) {
                seen.add("ping");
            }

            @Override
            public void onClose(LocalSession s, int code) {
                seen.add("close");
            }
        };
        InboundFrames f = new InboundFrames(refusing, null, null, worker::add, MAX);
        f.onSubscribe(subscription);
        f.onNext(new TextWebSocketFrame("x"));
        f.onNext(new PongWebSocketFrame());
        f.onComplete();
        work();
        assertThat(seen).containsExactly("refused");
    }


    @Test
    void anEventTheLogicFailsOnClosesThatSocketWith1011AndItsCloseIsStillHandled() {
        List<String> closeFrames = new ArrayList<>();
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel();
        NettyConnection connection = new NettyConnection(channel, (code, reason) -> closeFrames.add(code + " " + reason),
                1 << 20, new OutboundBudget(1L << 30, 1 << 16), 1_000_000_000L,
                new io.babelcall.signaling.metrics.SignalingMetrics(
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), System::nanoTime);
        SignalingEvents failing = new SignalingEvents() {
            @Override
            public LocalSession onOpen(ClientConnection c, ParticipantClaims claims) {
                return session;
            }

            @Override
            public void onText(LocalSession s, String text, long at) {
                if (text.equals("boom")) {
                    throw new IllegalStateException("a bug");
                }
                seen.add("text " + text);
            }

            @Override
            public void onBinary(LocalSession s) {
            }

            @Override
            public void onTooBig(LocalSession s) {
            }

            @Override
            public void onPong(LocalSession s) {
            }

            @Override
            public void onPing(LocalSession s) {
            }

            @Override
            public void onClose(LocalSession s, int code) {
                seen.add("close " + code);
            }
        };
        InboundFrames f = new InboundFrames(failing, connection, null, worker::add, MAX);
        f.onSubscribe(subscription);
        f.onNext(new TextWebSocketFrame("boom"));
        f.onNext(new TextWebSocketFrame("after"));
        f.onComplete();
        work();
        assertThat(closeFrames).containsExactly("1011 internal error");
        assertThat(seen).containsExactly("text after", "close 1006");
        channel.finishAndReleaseAll();
    }
}

package io.babelcall.signaling.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.babelcall.signaling.metrics.SignalingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** The bounded outbound queue against a Jakarta session whose writes complete only when the test says so. */
class TomcatConnectionTests {

    private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Session session = mock(Session.class);
    private final RemoteEndpoint.Async async = mock(RemoteEndpoint.Async.class);
    private final RemoteEndpoint.Basic basic = mock(RemoteEndpoint.Basic.class);
    private final List<SendHandler> pendingWrites = new CopyOnWriteArrayList<>();

    TomcatConnectionTests() {
        when(session.getUserProperties()).thenReturn(new HashMap<>());
        when(session.isOpen()).thenReturn(true);
        when(session.getAsyncRemote()).thenReturn(async);
        when(session.getBasicRemote()).thenReturn(basic);
        doAnswer(inv -> pendingWrites.add(inv.getArgument(1))).when(async).sendText(anyString(), any(SendHandler.class));
    }

    /** The connection's clock, far from zero like {@code System.nanoTime()}: tests move it instead of sleeping. */
    private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(1));

    private TomcatConnection connection(int bufferChars) {
        return new TomcatConnection(session, bufferChars, LIMIT_NANOS, Runnable::run,
                new SignalingMetrics(new SimpleMeterRegistry()), now::get);
    }

    @Test
    void textThatNoUtf8EncoderCouldWriteIsRepairedNotFatal() throws Exception {
        // Tomcat fails a whole write on an unpaired surrogate, and a failed write closes the socket (1011).
        TomcatConnection c = connection(1 << 20);
        assertThat(c.send("{\"text\":\"hello \uD800 \uD83D\uDE00\"}")).isTrue();
        ArgumentCaptor<String> written = ArgumentCaptor.forClass(String.class);
        verify(async).sendText(written.capture(), any(SendHandler.class));
        assertThat(written.getValue()).isEqualTo("{\"text\":\"hello \uFFFD \uD83D\uDE00\"}");
        verify(session, never()).close(any(CloseReason.class));
    }

    @Test
    void aMessageSentWhileAPingIsOnTheWireIsQueuedNotTakenForAStuckClient() throws Exception {
        CountDownLatch pingStarted = new CountDownLatch(1);
        CountDownLatch releasePing = new CountDownLatch(1);
        doAnswer(inv -> {
            pingStarted.countDown();
            releasePing.await(5, TimeUnit.SECONDS);
            return null;
        }).when(basic).sendPing(any(ByteBuffer.class));
        TomcatConnection c = connection(64 * 1024);

        Thread heartbeat = new Thread(c::ping);
        heartbeat.start();
        assertThat(pingStarted.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(c.send("{\"type\":\"peer-joined\"}")).isTrue();
        releasePing.countDown();
        heartbeat.join(5_000);

        assertThat(c.isOpen()).isTrue();
        verify(session, never()).close(any(CloseReason.class));
        // the queued message goes out once the ping is done (sent by whichever thread drains next)
        c.send("{\"type\":\"chat\"}");
        assertThat(pendingWrites).hasSize(1);
    }

    @Test
    void aTextWritePendingLongerThanTheLimitClosesThisSessionWith1013() throws Exception {
        TomcatConnection c = connection(64 * 1024);
        assertThat(c.send("first")).isTrue(); // written, never completed by the client
        assertThat(c.send("second")).isTrue(); // queued behind it, within the time limit
        now.addAndGet(LIMIT_NANOS + 1);

        assertThat(c.send("third")).isFalse();
        ArgumentCaptor<CloseReason> reason = ArgumentCaptor.forClass(CloseReason.class);
        verify(session).close(reason.capture());
        assertThat(reason.getValue().getCloseCode().getCode()).isEqualTo(1013);
    }

    @Test
    void completedWritesAreNotCountedAsPendingHoweverLongAgoTheyStarted() throws Exception {
        TomcatConnection c = connection(64 * 1024);
        assertThat(c.send("first")).isTrue();
        pendingWrites.remove(0).onResult(new SendResult(session));
        now.addAndGet(LIMIT_NANOS + 1);

        assertThat(c.send("later")).isTrue();
        assertThat(c.isOpen()).isTrue();
        verify(session, never()).close(any(CloseReason.class));
    }

    @Test
    void moreQueuedThanTheBufferClosesThisSessionWith1013() throws Exception {
        TomcatConnection c = connection(1024);
        assertThat(c.send("x".repeat(600))).isTrue(); // in flight
        assertThat(c.send("y".repeat(600))).isFalse(); // 1200 chars queued: over the buffer

        ArgumentCaptor<CloseReason> reason = ArgumentCaptor.forClass(CloseReason.class);
        verify(session).close(reason.capture());
        assertThat(reason.getValue().getCloseCode().getCode()).isEqualTo(1013);
        assertThat(c.isOpen()).isFalse();
    }
}

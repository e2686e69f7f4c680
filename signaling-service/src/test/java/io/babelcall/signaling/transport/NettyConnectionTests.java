package io.babelcall.signaling.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.signaling.metrics.SignalingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded outbound side against a channel whose writes complete only when the test says so. */
class NettyConnectionTests {

    static final long LIMIT_NANOS = 2_000_000_000L;

    /** The connection's clock, far from zero like {@code System.nanoTime()}: tests move it instead of sleeping. */
    final AtomicLong now = new AtomicLong(1L << 40);
    final List<Object> written = new ArrayList<>();
    final List<ChannelPromise> pending = new ArrayList<>();
    final List<String> closeFrames = new ArrayList<>();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written.add(msg); // held: the client has not read it yet
            pending.add(promise);
        }
    });

    OutboundBudget budget = new OutboundBudget(1L << 40, 1 << 16);

    NettyConnection connection(int bufferChars) {
        return new NettyConnection(channel, (code, reason) -> closeFrames.add(code + " " + reason), bufferChars,
                budget, LIMIT_NANOS, new SignalingMetrics(registry), now::get);
    }

    double slowConsumers() {
        return registry.find("babelcall.signaling.closed").tag("cause", "slow_consumer").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    @AfterEach
    void release() {
        written.forEach(io.netty.util.ReferenceCountUtil::release);
        var unused = channel.finishAndReleaseAll();
    }

    @Test
    void textThatNoUtf8EncoderCouldWriteIsRepairedNotFatal() {
        NettyConnection c = connection(1 << 20);
        assertThat(c.send("{\"text\":\"hello \uD800 \uD83D\uDE00\"}")).isTrue();
        assertThat(((TextWebSocketFrame) written.get(0)).text()).isEqualTo("{\"text\":\"hello \uFFFD \uD83D\uDE00\"}");
        assertThat(c.isOpen()).isTrue();
        assertThat(closeFrames).isEmpty();
    }

    @Test
    void aPingGoesOutOnlyWhenNothingIsPending() {
        NettyConnection c = connection(1 << 20);
        c.send("{\"type\":\"peer-joined\"}");
        c.ping();
        assertThat(written).hasSize(1); // the client is busy reading: no ping queued behind
        pending.remove(0).setSuccess();
        c.ping();
        assertThat(written).hasSize(2).last().isInstanceOf(PingWebSocketFrame.class);
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void aWritePendingLongerThanTheLimitDropsThisSocketWithoutWaitingForIt() {
        NettyConnection c = connection(64 * 1024);
        assertThat(c.send("first")).isTrue(); // written, never read by the client
        assertThat(c.send("second")).isTrue(); // behind it, within the time limit
        now.addAndGet(LIMIT_NANOS + 1);

        assertThat(c.send("third")).isFalse();
        channel.runPendingTasks();
        assertThat(channel.isActive()).isFalse();
        assertThat(c.isOpen()).isFalse();
        assertThat(closeFrames).as("no close frame behind writes that do not move").isEmpty();
        assertThat(slowConsumers()).isEqualTo(1.0);
    }

    @Test
    void theHeartbeatFindsAClientThatStoppedReadingWhenNothingMoreIsSent() {
        NettyConnection c = connection(64 * 1024);
        c.send("last words");
        now.addAndGet(LIMIT_NANOS + 1);
        c.ping();
        assertThat(channel.isActive()).isFalse();
        assertThat(slowConsumers()).isEqualTo(1.0);
    }

    @Test
    void aClientThatReadsSlowlyButSteadilyIsNotStuck() {
        NettyConnection c = connection(64 * 1024);
        c.send("a");
        c.send("b");
        c.send("c");
        now.addAndGet(LIMIT_NANOS - 1);
        pending.remove(0).setSuccess(); // progress: one write completed
        now.addAndGet(LIMIT_NANOS - 1); // the oldest pending write is older than the limit, but writes move

        assertThat(c.send("d")).isTrue();
        assertThat(c.isOpen()).isTrue();
        assertThat(slowConsumers()).isZero();
    }

    @Test
    void completedWritesAreNotCountedAsPendingHoweverLongAgoTheyStarted() {
        NettyConnection c = connection(64 * 1024);
        assertThat(c.send("first")).isTrue();
        pending.remove(0).setSuccess();
        now.addAndGet(10 * LIMIT_NANOS);

        assertThat(c.send("later")).isTrue();
        c.ping();
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void moreQueuedThanTheBufferClosesThisSocketWith1013AfterWhatIsQueued() {
        NettyConnection c = connection(1024);
        assertThat(c.send("x".repeat(600))).isTrue(); // in flight
        assertThat(c.send("y".repeat(600))).isFalse(); // 1200 chars queued: over the buffer

        assertThat(closeFrames).containsExactly("1013 send buffer overflow");
        assertThat(c.isOpen()).isFalse();
        assertThat(c.send("z")).isFalse();
        assertThat(slowConsumers()).isEqualTo(1.0);
        // a client that does not read its way to the close frame within a second is dropped
        assertThat(channel.isActive()).isTrue();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aCloseGoesBehindWhatWasSentUnlessTheClientIsStuck() {
        NettyConnection c = connection(64 * 1024);
        c.send("{\"type\":\"error\"}");
        c.close(1008, "rate limit");
        assertThat(closeFrames).containsExactly("1008 rate limit");
        assertThat(channel.isActive()).as("the close handshake closes the connection").isTrue();
        c.close(1000, "again");
        assertThat(closeFrames).as("idempotent").hasSize(1);

        NettyConnection stuck = connection(64 * 1024);
        stuck.send("never read");
        now.addAndGet(LIMIT_NANOS + 1);
        stuck.close(1000, "bye");
        assertThat(closeFrames).hasSize(1);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void onceTheReplicasBudgetIsSpentOnlySocketsHoldingMoreThanAFairShareAreClosed() {
        budget = new OutboundBudget(2000, 1000);
        NettyConnection hog = connection(64 * 1024);
        NettyConnection modest = connection(64 * 1024);
        assertThat(hog.send("h".repeat(1500))).isTrue(); // the client does not read it
        assertThat(modest.send("m".repeat(300))).isTrue();
        assertThat(budget.queued()).isEqualTo(1800);

        assertThat(hog.send("h".repeat(600))).as("2400 queued on the replica, 2100 of them for this socket").isFalse();
        assertThat(hog.isOpen()).isFalse();
        assertThat(slowConsumers()).isEqualTo(1.0);
        assertThat(modest.send("m".repeat(300))).as("over the budget too, but within its fair share").isTrue();
        assertThat(modest.isOpen()).isTrue();
        assertThat(budget.queued()).isEqualTo(2100);

        pending.forEach(ChannelPromise::setSuccess);
        assertThat(budget.queued()).as("written: given back").isZero();
    }
}

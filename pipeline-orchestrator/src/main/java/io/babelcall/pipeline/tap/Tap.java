package io.babelcall.pipeline.tap;

import io.babelcall.common.media.TapMapping;
import io.babelcall.pipeline.audio.AudioStreamRegistry;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import io.babelcall.support.logging.CallLog;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Scheduler;

/**
 * One forwarded RTP stream (one SSRC) of one speaker: jitter buffer, Opus decoder and the speaker's pipeline. The
 * receiver thread only queues packets ({@link #offer}); everything else runs in order on the tap's own worker, which
 * may block briefly in an engine call like the audio socket's workers. While packets pause (DTX, a network hiccup)
 * the timer's {@link #tick} releases what waited the jitter window and, during an utterance, feeds silence in real
 * time, so the endpointer ends the utterance when the speaker stops instead of when the next packet comes.
 */
final class Tap {

    private static final Logger log = LoggerFactory.getLogger(Tap.class);
    /** Packets queued for the worker at most (5 s of 20 ms packets); more are dropped as {@code overflow}. */
    static final int MAX_QUEUED = 250;
    private static final long MIN_FILL_NANOS = 20_000_000;
    private static final long TICK_AFTER_NANOS = 20_000_000;

    final int ssrc;
    final TapMapping mapping;
    final AuthenticatedSpeaker speaker;
    final AudioStreamRegistry.Handle handle;
    private final TapSink sink;
    private final Scheduler.Worker worker;
    private final TapMetrics metrics;
    private final long windowNanos;
    private final JitterBuffer buffer;
    private final TapDecoder decoder;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastPacketNanos;
    private volatile boolean wantsTicks;

    // worker state
    private long audioUntilNanos;
    private boolean closed;

    Tap(int ssrc, TapMapping mapping, AuthenticatedSpeaker speaker, AudioStreamRegistry.Handle handle, TapSink sink,
        Scheduler.Worker worker, TapMetrics metrics, long windowNanos, long now) {
        this.ssrc = ssrc;
        this.mapping = mapping;
        this.speaker = speaker;
        this.handle = handle;
        this.sink = sink;
        this.worker = worker;
        this.metrics = metrics;
        this.windowNanos = windowNanos;
        this.buffer = new JitterBuffer(windowNanos);
        this.decoder = new TapDecoder(metrics);
        this.lastPacketNanos = now;
        this.audioUntilNanos = now;
    }

    /** Receiver thread: queues a packet for the worker. */
    void offer(RtpPacket packet) {
        lastPacketNanos = packet.arrivalNanos();
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            metrics.dropped(TapMetrics.OVERFLOW);
            return;
        }
        try {
            worker.schedule(() -> {
                queued.decrementAndGet();
                onPacket(packet);
            });
            metrics.packet();
        } catch (RejectedExecutionException e) { // the workers are shutting down
            queued.decrementAndGet();
            metrics.dropped(TapMetrics.OVERFLOW);
        }
    }

    long lastPacketNanos() {
        return lastPacketNanos;
    }

    /** Timer thread: lets time pass on the worker when packets paused while some were held or speech was going on. */
    void tick(long now) {
        if (wantsTicks && now - lastPacketNanos >= TICK_AFTER_NANOS && !ended.get()
                && tickQueued.compareAndSet(false, true)) {
            try {
                worker.schedule(() -> {
                    tickQueued.set(false);
                    onTick();
                });
            } catch (RejectedExecutionException e) {
                tickQueued.set(false);
            }
        }
    }

    /**
     * Ends the stream once: packets already queued are handled, everything held is released, an utterance in
     * progress is finalised, then {@code after} runs. False when it had ended already.
     */
    boolean end(String reason, Runnable after) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        CallLog.info(log, speaker.roomId(), speaker.participantId()).log("RTP tap of {} in room {} (SSRC {}) ends: {}",
                speaker.participantId(), speaker.roomId(), Integer.toUnsignedString(ssrc), reason);
        Runnable close = () -> {
            try {
                closed = true;
                buffer.releaseAll(System.nanoTime(), this::release);
                sink.close();
            } catch (RuntimeException e) {
                log.warn("closing the RTP tap of SSRC {} failed: {}", Integer.toUnsignedString(ssrc), e.toString());
            } finally {
                after.run();
                worker.dispose();
            }
        };
        try {
            worker.schedule(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
        return true;
    }

    private void onPacket(RtpPacket packet) {
        if (closed) {
            return;
        }
        try {
            JitterBuffer.Offer offer = buffer.offer(packet, System.nanoTime(), this::release);
            if (offer != JitterBuffer.Offer.ACCEPTED) {
                metrics.dropped(TapMetrics.LATE);
            }
        } catch (RuntimeException e) { // never let one packet end the stream
            log.warn("RTP packet of SSRC {} failed: {}", Integer.toUnsignedString(ssrc), e.toString());
        }
        wantsTicks = buffer.holding() || sink.inSpeech();
    }

    private void onTick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        try {
            buffer.flush(now, this::release);
            long lag = now - audioUntilNanos - windowNanos; // packets may still come within the window
            if (!buffer.holding() && sink.inSpeech() && lag >= MIN_FILL_NANOS) {
                long nanos = Math.min(lag, TapDecoder.MAX_GAP_MS * 1_000_000L);
                int samples = (int) (nanos * TapDecoder.RATE / 1_000_000_000L);
                audioUntilNanos += nanos;
                sink.accept(decoder.silence(samples), now);
            }
        } catch (RuntimeException e) {
            log.warn("RTP tap of SSRC {} failed on a tick: {}", Integer.toUnsignedString(ssrc), e.toString());
        }
        wantsTicks = buffer.holding() || sink.inSpeech();
    }

    private void release(RtpPacket packet, int lost) {
        short[] pcm = decoder.decode(packet, lost);
        long now = System.nanoTime();
        audioUntilNanos = now;
        if (pcm.length > 0) {
            sink.accept(pcm, packet.arrivalNanos());
        }
        metrics.packetToPcm(now - packet.arrivalNanos());
    }
}

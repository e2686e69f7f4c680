package io.babelcall.signaling.media;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds back a new offer on a publisher handle whose PeerConnection Janus is tearing down. Janus 1.1.2 reports
 * {@code hangup} before libnice has closed the old ICE agent ({@code nice_agent_close_async}); an offer on the same
 * handle before that close completes gets its new agent cleared by the close callback, and fails with 490 "Error
 * setting ICE locally". So a publish after a hang-up waits for the report (at most 2 s) and a short margin.
 */
final class HangupGate {

    private static final long MAX_WAIT_MS = 2_000;
    private static final long MARGIN_MS = 300;

    /** Completes on Janus's hang-up report; null when no hang-up is pending. */
    private final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();

    /** A hang-up was requested. */
    void hangingUp() {
        pending.set(new CompletableFuture<>());
    }

    /** Janus reported the PeerConnection closed. */
    void hungUp() {
        CompletableFuture<Void> p = pending.get();
        if (p != null) {
            p.complete(null);
        }
    }

    /** Completes when an offer on the handle is safe: at once, or after a pending hang-up and its margin. */
    CompletableFuture<Void> ready() {
        CompletableFuture<Void> p = pending.get();
        if (p == null) {
            return CompletableFuture.completedFuture(null);
        }
        return p.completeOnTimeout(null, MAX_WAIT_MS, TimeUnit.MILLISECONDS)
                .thenRunAsync(() -> pending.compareAndSet(p, null),
                        CompletableFuture.delayedExecutor(MARGIN_MS, TimeUnit.MILLISECONDS));
    }
}

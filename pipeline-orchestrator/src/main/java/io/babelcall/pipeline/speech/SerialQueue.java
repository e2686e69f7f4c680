package io.babelcall.pipeline.speech;

import io.babelcall.support.logging.CallLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs submitted asynchronous steps one after the other, in submission order: what keeps one speaker's events in
 * order on the bus without blocking a thread. A failing step is logged and the next one runs.
 */
final class SerialQueue {

    private static final Logger log = LoggerFactory.getLogger(SerialQueue.class);

    /** A step with the call ids its logs carry: steps run on whichever thread finished the previous one. */
    private record Step(CallLog.Ids ids, Mono<?> work) {
    }

    private final Sinks.Many<Step> sink = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.Empty<Void> drained = Sinks.empty();
    private final Disposable subscription;

    SerialQueue(String name) {
        subscription = sink.asFlux()
                .concatMap(step -> Mono.defer(() -> {
                    try (CallLog.Scope ignored = step.ids().open()) {
                        return step.work().then();
                    }
                }).onErrorResume(step.ids().wrap((Throwable e) -> {
                    log.warn("{} step failed: {}", name, e.toString());
                    return Mono.<Void>empty();
                })), 0)
                .doFinally(s -> drained.tryEmitEmpty())
                .subscribe();
    }

    /**
     * Queues a step; it is subscribed to when every earlier step has finished, with {@code ids} in the MDC while it is
     * built and while its failure is logged.
     */
    synchronized void submit(CallLog.Ids ids, Mono<?> step) {
        sink.tryEmitNext(new Step(ids, step));
    }

    /** No more steps; {@link #drained()} completes after the queued ones. */
    synchronized void complete() {
        sink.tryEmitComplete();
    }

    /**
     * Completes once every step submitted before it has finished (the queue goes on): what shutdown waits for before
     * Redis closes.
     */
    Mono<Void> barrier() {
        Sinks.Empty<Void> passed = Sinks.empty();
        submit(new CallLog.Ids(null, null, null), Mono.fromRunnable(passed::tryEmitEmpty));
        return passed.asMono();
    }

    Mono<Void> drained() {
        return drained.asMono();
    }

    void dispose() {
        subscription.dispose();
    }
}

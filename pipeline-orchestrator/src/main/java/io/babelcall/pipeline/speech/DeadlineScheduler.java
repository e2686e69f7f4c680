package io.babelcall.pipeline.speech;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.scheduler.Scheduler;

/**
 * A Reactor {@link Scheduler} for the pipeline's deadlines (recognition deadline, translation and synthesis
 * time-outs), backed by a timer wheel. Setting a deadline only enqueues it: unlike Reactor's parallel scheduler, no
 * thread is woken on the way from the end of an utterance to its captions (every deadline there woke one, measured
 * as ~1 ms at the 99th percentile on two cores). Deadlines fire within one tick ({@code tickMillis}) of their time,
 * ample for limits of seconds. Not for immediate work: {@link #schedule(Runnable)} runs the task at the next tick.
 */
public final class DeadlineScheduler implements Scheduler {

    private final HashedWheelTimer wheel;

    public DeadlineScheduler(long tickMillis) {
        this.wheel = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "pipeline-deadlines");
            t.setDaemon(true);
            return t;
        }, tickMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Disposable schedule(Runnable task) {
        return schedule(task, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
        Timeout timeout = wheel.newTimeout(t -> task.run(), delay, unit);
        return timeout::cancel;
    }

    @Override
    public Worker createWorker() {
        return new DeadlineWorker();
    }

    @Override
    public void dispose() {
        wheel.stop();
    }

    /** Tasks of one worker; disposing the worker cancels those not yet run. */
    private final class DeadlineWorker implements Worker {

        private final Disposable.Composite tasks = Disposables.composite();

        @Override
        public Disposable schedule(Runnable task) {
            return schedule(task, 0, TimeUnit.MILLISECONDS);
        }

        @Override
        public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
            Disposable scheduled = DeadlineScheduler.this.schedule(task, delay, unit);
            tasks.add(scheduled);
            return scheduled;
        }

        @Override
        public void dispose() {
            tasks.dispose();
        }

        @Override
        public boolean isDisposed() {
            return tasks.isDisposed();
        }
    }
}

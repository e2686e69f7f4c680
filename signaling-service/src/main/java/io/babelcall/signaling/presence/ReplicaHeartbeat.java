package io.babelcall.signaling.presence;

import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.session.SignalingHandler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The periodic work of a replica: refreshes its own liveness key, pings sockets and closes silent ones, sweeps dead
 * replicas and removed participants. Stops first at shutdown (highest phase) and closes every socket with 1012, so
 * clients move to another replica before the web server goes away. The liveness key is left to expire on its own:
 * deleting it would let other replicas sweep participants that are reconnecting.
 */
public class ReplicaHeartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplicaHeartbeat.class);

    private final SignalingProperties props;
    private final PresenceStore store;
    private final SignalingHandler handler;
    private ScheduledExecutorService scheduler;
    private ScheduledExecutorService pings;
    private volatile boolean running;

    public ReplicaHeartbeat(SignalingProperties props, PresenceStore store, SignalingHandler handler) {
        this.props = props;
        this.store = store;
        this.handler = handler;
    }

    @Override
    public void start() {
        store.replicaAlive(props.presence().replicaTtl());
        scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "signaling-heartbeat");
            t.setDaemon(true);
            return t;
        });
        // Pings never touch Redis and get a thread of their own: while Redis is slow or down, the refresh and the
        // sweep wait on it, and pings queued behind them would let every socket's heartbeat time out (4001).
        pings = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "signaling-pings");
            t.setDaemon(true);
            return t;
        });
        every(scheduler, props.presence().refreshInterval().toMillis(), this::refresh);
        every(pings, props.heartbeat().interval().toMillis(), handler::heartbeatTick);
        every(scheduler, props.presence().sweepInterval().toMillis(), handler::sweepTick);
        running = true;
        log.info("signaling replica {} started", store.replicaId());
    }

    private void refresh() {
        try {
            store.replicaAlive(props.presence().replicaTtl());
        } catch (RuntimeException e) {
            handler.redisFailed();
            throw e;
        }
    }

    private static void every(ScheduledExecutorService executor, long millis, Runnable task) {
        var unused = executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("periodic signaling task failed: {}", e.toString());
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
            pings.shutdownNow();
        }
        handler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}

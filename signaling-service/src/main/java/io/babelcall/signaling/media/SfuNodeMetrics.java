package io.babelcall.signaling.media;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.Supplier;

/**
 * {@code babelcall_sfu_nodes{state="configured"|"reachable"}}: the Janus nodes this replica is configured with and
 * those it holds a live session with. Registered in mesh mode too (both 0), so the node-loss alerts can be evaluated
 * (and their metric checked) in every deployment.
 */
public final class SfuNodeMetrics implements MeterBinder {

    private final Supplier<JanusNodes> nodes;

    /** {@code nodes} supplies null when no SFU is configured. */
    public SfuNodeMetrics(Supplier<JanusNodes> nodes) {
        this.nodes = nodes;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("babelcall_sfu_nodes", this, m -> m.count(false)).tag("state", "configured")
                .description("Janus nodes configured").register(registry);
        Gauge.builder("babelcall_sfu_nodes", this, m -> m.count(true)).tag("state", "reachable")
                .description("Janus nodes with a live session from this replica").register(registry);
    }

    private double count(boolean reachable) {
        JanusNodes n = nodes.get();
        return n == null ? 0 : reachable ? n.healthy().size() : n.configured();
    }
}

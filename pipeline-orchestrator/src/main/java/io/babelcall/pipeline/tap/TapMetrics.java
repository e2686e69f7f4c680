package io.babelcall.pipeline.tap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The speech tap's metrics, named exactly as in docs/metrics.md. Every series exists from start-up, at zero. */
public final class TapMetrics {

    // reasons of babelcall_rtp_dropped_total (docs/media.md)
    static final String MALFORMED = "malformed";
    static final String RTCP = "rtcp";
    static final String UNKNOWN_SSRC = "unknown_ssrc";
    static final String PAYLOAD_TYPE = "payload_type";
    static final String LATE = "late";
    static final String UNDECODABLE = "undecodable";
    static final String OVERFLOW = "overflow";
    static final String REPLACED = "replaced";
    static final List<String> DROP_REASONS = List.of(MALFORMED, RTCP, UNKNOWN_SSRC, PAYLOAD_TYPE, LATE, UNDECODABLE,
            OVERFLOW, REPLACED);

    // results of babelcall_rtp_lookups_total
    static final String FOUND = "found";
    static final String UNKNOWN = "unknown";
    static final String ERROR = "error";

    private final AtomicInteger taps = new AtomicInteger();
    private final Counter packets;
    private final Counter concealed;
    private final Map<String, Counter> dropped;
    private final Map<String, Counter> lookups;
    private final Timer packetToPcm;

    public TapMetrics(MeterRegistry registry) {
        Gauge.builder("babelcall.rtp.taps", taps, AtomicInteger::get)
                .description("RTP streams (taps) this replica is receiving").register(registry);
        packets = Counter.builder("babelcall.rtp.packets").description("RTP packets accepted for a live tap")
                .register(registry);
        concealed = Counter.builder("babelcall.rtp.concealed")
                .description("lost or undecodable Opus frames concealed (PLC or in-band FEC)").register(registry);
        dropped = counters(DROP_REASONS, r -> Counter.builder("babelcall.rtp.dropped")
                .description("datagrams dropped by the speech tap").tag("reason", r).register(registry));
        lookups = counters(List.of(FOUND, UNKNOWN, ERROR), r -> Counter.builder("babelcall.rtp.lookups")
                .description("SSRC mapping look-ups in Redis").tag("result", r).register(registry));
        packetToPcm = Timer.builder("babelcall.rtp.packet.to.pcm")
                .description("datagram received -> its decoded audio handed to the speaker's pipeline")
                .publishPercentileHistogram().register(registry);
    }

    private static Map<String, Counter> counters(List<String> tags, Function<String, Counter> make) {
        return tags.stream().collect(Collectors.toUnmodifiableMap(t -> t, make));
    }

    void dropped(String reason) {
        dropped.get(reason).increment();
    }

    void lookup(String result) {
        lookups.get(result).increment();
    }

    void packet() {
        packets.increment();
    }

    void concealed(int frames) {
        concealed.increment(frames);
    }

    void packetToPcm(long nanos) {
        packetToPcm.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    void tapOpened() {
        taps.incrementAndGet();
    }

    void tapClosed() {
        taps.decrementAndGet();
    }

    /** Taps open on this replica (the load published to signaling). */
    public int taps() {
        return taps.get();
    }
}

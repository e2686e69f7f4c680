package io.babelcall.pipeline.speech;

import io.babelcall.common.language.LanguageCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** The pipeline's metrics, named exactly as in docs/metrics.md. */
@Component
public class PipelineMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger streams = new AtomicInteger();
    private final Timer eosToTranscript;

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("babelcall.audio.streams", streams, AtomicInteger::get)
                .description("open audio ingest streams on this replica")
                .register(registry);
        this.eosToTranscript = Timer.builder("babelcall.pipeline.eos.to.transcript")
                .description("end of speech -> final transcript published")
                .publishPercentileHistogram()
                .register(registry);
    }

    public void streamOpened() {
        streams.incrementAndGet();
    }

    public void streamClosed() {
        streams.decrementAndGet();
    }

    public int openStreams() {
        return streams.get();
    }

    public void utterance(LanguageCode language) {
        Counter.builder("babelcall.utterances").description("utterances finalised")
                .tag("language", language.value()).register(registry).increment();
    }

    public void eosToTranscript(long nanos) {
        eosToTranscript.record(Duration.ofNanos(Math.max(0, nanos)));
    }

    public void eosToTranslation(LanguageCode target, long nanos) {
        Timer.builder("babelcall.pipeline.eos.to.translation")
                .description("end of speech -> translation published")
                .tag("target", target.value())
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos(Math.max(0, nanos)));
    }

    /** A translation of a speculative final {@code started}, or {@code used} for its utterance's final. */
    public void speculativeTranslation(String outcome) {
        Counter.builder("babelcall.pipeline.speculative.translations")
                .description("translations of speculative finals: started, and used for the final")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void rejected(String reason) {
        rejectedCounter(reason).increment();
    }

    /** Creates the {@code babelcall.audio.rejected} series of one reason at zero. */
    public void registerRejectionReason(String reason) {
        rejectedCounter(reason);
    }

    private Counter rejectedCounter(String reason) {
        return Counter.builder("babelcall.audio.rejected").description("audio streams closed for bad input")
                .tag("reason", reason).register(registry);
    }
}

package io.babelcall.pipeline.speech;

import io.babelcall.pipeline.audio.VadProperties;
import io.babelcall.pipeline.dub.DubAudioStore;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.text.TextNormalizer;
import io.babelcall.pipeline.transcript.TranscriptWriter;
import java.time.Clock;

/**
 * What every {@link SpeakerPipeline} shares: engines, the bus, stores, metrics and settings, and the scheduler of its
 * deadlines (recognition deadline, engine time-outs), which sets one without waking a thread.
 */
public record PipelineServices(
        EngineRouter engines,
        CaptionPublisher publisher,
        ListenerDirectory directory,
        TextNormalizer normalizer,
        TranscriptWriter transcripts,
        DubAudioStore dubs,
        PipelineMetrics metrics,
        PipelineProperties pipeline,
        VadProperties vad,
        Clock clock,
        DeadlineScheduler deadlines) {
}

package io.babelcall.pipeline.speech;

import io.babelcall.pipeline.audio.SpeakerRateLimiter;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Makes the pipeline of one audio stream (socket or speech tap), with its speaker's audio rate limit (shared by the
 * speaker's streams), and knows the pipelines not yet {@link SpeakerPipeline#finished() finished}.
 */
public class SpeakerPipelineFactory {

    private final PipelineServices services;
    private final SpeakerRateLimiter rates;
    private final Set<SpeakerPipeline> unfinished = ConcurrentHashMap.newKeySet();

    public SpeakerPipelineFactory(PipelineServices services, SpeakerRateLimiter rates) {
        this.services = services;
        this.rates = rates;
    }

    public SpeakerPipeline create(AuthenticatedSpeaker speaker) {
        SpeakerPipeline pipeline = new SpeakerPipeline(services, speaker,
                rates.open(speaker.roomId(), speaker.participantId(), System.nanoTime()));
        unfinished.add(pipeline);
        pipeline.finished().doFinally(s -> unfinished.remove(pipeline)).subscribe();
        return pipeline;
    }

    /** Completes when every pipeline made so far has finished (each completes only after its stream ended). */
    public Mono<Void> allFinished() {
        List<Mono<Void>> pending = unfinished.stream().map(SpeakerPipeline::finished).toList();
        return Mono.when(pending);
    }

    /** Pipelines made and not yet finished. */
    public int unfinished() {
        return unfinished.size();
    }

    public PipelineServices services() {
        return services;
    }
}

package io.babelcall.pipeline.speech;

import io.babelcall.pipeline.audio.SpeakerRateLimiter;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;

/** Makes the pipeline of one audio stream, with its speaker's audio rate limit (shared by the speaker's streams). */
public class SpeakerPipelineFactory {

    private final PipelineServices services;
    private final SpeakerRateLimiter rates;

    public SpeakerPipelineFactory(PipelineServices services, SpeakerRateLimiter rates) {
        this.services = services;
        this.rates = rates;
    }

    public SpeakerPipeline create(AuthenticatedSpeaker speaker) {
        return new SpeakerPipeline(services, speaker,
                rates.open(speaker.roomId(), speaker.participantId(), System.nanoTime()));
    }

    public PipelineServices services() {
        return services;
    }
}

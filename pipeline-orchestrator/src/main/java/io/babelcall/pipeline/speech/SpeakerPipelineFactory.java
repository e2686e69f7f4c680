package io.babelcall.pipeline.speech;

import io.babelcall.pipeline.security.AuthenticatedSpeaker;

/** Makes the pipeline of one audio stream. */
public class SpeakerPipelineFactory {

    private final PipelineServices services;

    public SpeakerPipelineFactory(PipelineServices services) {
        this.services = services;
    }

    public SpeakerPipeline create(AuthenticatedSpeaker speaker) {
        return new SpeakerPipeline(services, speaker);
    }

    public PipelineServices services() {
        return services;
    }
}

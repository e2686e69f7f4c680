package io.babelcall.pipeline.tap;

import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import io.babelcall.pipeline.speech.SpeakerPipeline;

/**
 * Where a tap's decoded audio goes: the speaker's {@link SpeakerPipeline}, exactly as for an audio WebSocket. Called
 * from the tap's worker only, one call at a time.
 */
public interface TapSink {

    /** 16 kHz mono audio; {@code arrivalNanos} is {@link System#nanoTime()} when its packet arrived. */
    void accept(short[] samples, long arrivalNanos);

    /** Whether an utterance is in progress (the tap then fills pauses in the packet flow with silence). */
    boolean inSpeech();

    /** End of the stream: an utterance in progress is finalised. */
    void close();

    /** Opens the sink of a new tap. */
    @FunctionalInterface
    interface Factory {
        TapSink open(AuthenticatedSpeaker speaker);
    }

    /** The production sink: the speaker's pipeline. */
    static TapSink of(SpeakerPipeline pipeline) {
        return new TapSink() {
            @Override
            public void accept(short[] samples, long arrivalNanos) {
                pipeline.accept(samples, arrivalNanos);
            }

            @Override
            public boolean inSpeech() {
                return pipeline.inSpeech();
            }

            @Override
            public void close() {
                pipeline.close();
            }
        };
    }
}

package io.babelcall.pipeline.stt;

/**
 * One speaker's recognition stream. The pipeline feeds only voiced audio of an utterance (VAD runs before it),
 * calls {@link #endUtterance()} at the end of speech, and expects exactly one
 * {@link RecognitionListener#onFinal} per utterance (possibly with empty text). Calls come from one thread at a
 * time; listener callbacks may come from any thread.
 */
public interface RecognitionSession extends AutoCloseable {

    /** Appends audio of the current utterance: PCM16LE mono samples. */
    void accept(short[] samples, int offset, int length);

    /** The speaker stopped (endpoint or forced cut): produce the final result of this utterance. */
    void endUtterance();

    /**
     * The speaker fell silent and may have finished; the endpoint is not certain yet. An engine that can may work out
     * the final of the audio so far now (a speculative final, told through
     * {@link RecognitionListener#onTentativeFinal}) so that {@link #endUtterance()} answers at once; the audio accepted
     * after this call is the silence that follows, which such an engine may skip - unless {@link #speechResumed()}
     * comes. Engines that cannot ignore it.
     */
    default void speechPaused() {
    }

    /**
     * Speech went on after {@link #speechPaused()}, within the same utterance: a speculative final is void, and the
     * audio accepted since the pause belongs to the utterance.
     */
    default void speechResumed() {
    }

    /** Releases the engine resources of this stream; no callbacks after it returns. */
    @Override
    void close();
}

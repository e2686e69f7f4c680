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

    /** Releases the engine resources of this stream; no callbacks after it returns. */
    @Override
    void close();
}

package io.babelcall.pipeline.stt;

/** Results of a {@link RecognitionSession}. */
public interface RecognitionListener {

    /** A hypothesis of the utterance so far; later ones replace earlier ones. */
    void onInterim(String text);

    /** The final text of the utterance ended by the last {@link RecognitionSession#endUtterance()}. */
    void onFinal(String text);

    /**
     * After {@link RecognitionSession#speechPaused()}: the final this utterance gets if the speaker does not go on (the
     * next {@link #onFinal} then carries the same text at once). Optional; the default ignores it.
     */
    default void onTentativeFinal(String text) {
    }

    /** The engine failed for this utterance; the stream stays open and the next utterance is tried again. */
    void onError(Throwable error);
}

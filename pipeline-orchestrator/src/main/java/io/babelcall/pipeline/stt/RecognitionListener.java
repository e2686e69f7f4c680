package io.babelcall.pipeline.stt;

/** Results of a {@link RecognitionSession}. */
public interface RecognitionListener {

    /** A hypothesis of the utterance so far; later ones replace earlier ones. */
    void onInterim(String text);

    /** The final text of the utterance ended by the last {@link RecognitionSession#endUtterance()}. */
    void onFinal(String text);

    /** The engine failed for this utterance; the stream stays open and the next utterance is tried again. */
    void onError(Throwable error);
}

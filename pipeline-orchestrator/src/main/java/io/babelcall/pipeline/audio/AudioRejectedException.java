package io.babelcall.pipeline.audio;

/** The client broke the audio protocol; the stream is closed with {@link AudioRejection#closeCode()}. */
public class AudioRejectedException extends RuntimeException {

    private final AudioRejection rejection;

    public AudioRejectedException(AudioRejection rejection, String message) {
        super(message, null, false, false);
        this.rejection = rejection;
    }

    public AudioRejection rejection() {
        return rejection;
    }
}

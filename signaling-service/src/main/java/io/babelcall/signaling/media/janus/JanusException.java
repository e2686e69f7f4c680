package io.babelcall.signaling.media.janus;

/** Janus refused a request: a core error ({@code janus: error}) or a plugin's {@code error_code}. */
public final class JanusException extends RuntimeException {

    private final int code;

    public JanusException(int code, String reason) {
        super("Janus error " + code + ": " + reason);
        this.code = code;
    }

    /** Janus's numeric error code (core codes are 4xx, VideoRoom's 4xx too; see janus_videoroom.c). */
    public int code() {
        return code;
    }
}

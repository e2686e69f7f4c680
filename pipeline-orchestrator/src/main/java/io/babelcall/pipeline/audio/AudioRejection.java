package io.babelcall.pipeline.audio;

/**
 * Why the server ends an audio stream, with the WebSocket close code it uses and the {@code code} of the
 * {@code error} frame sent just before closing. The table is documented in docs/pipeline.md.
 */
public enum AudioRejection {

    /** A binary frame arrived before the {@code start} text frame. */
    NO_START("no_start", 1003),
    /** {@code start} asked for an encoding other than pcm16 or a sample rate other than 16000/48000. */
    UNSUPPORTED_FORMAT("unsupported_format", 1003),
    /**
     * A text frame that is not a valid {@code start}/{@code stop} message (or has a string that is not valid Unicode,
     * or is a second {@code start}).
     */
    BAD_MESSAGE("bad_message", 1003),
    /** A binary frame with an odd number of bytes (PCM16 samples are two bytes). */
    ODD_BYTES("odd_bytes", 1007),
    /** A binary frame shorter than 10 ms or longer than 100 ms of audio. */
    FRAME_DURATION("frame_duration", 1007),
    /** A frame, or a message of fragments, larger than {@code babelcall.audio.max-frame-bytes} (64 KiB). */
    TOO_BIG("too_big", 1009),
    /** Not a valid WebSocket frame (unmasked, reserved bits or opcodes, a bad control frame). */
    PROTOCOL_ERROR("protocol_error", 1002),
    /** More audio than {@code max-realtime-factor} x real time, beyond the {@code rate-burst} allowance. */
    TOO_FAST("too_fast", 1008),
    /** No {@code start} frame within {@code babelcall.audio.start-timeout}. */
    START_TIMEOUT("start_timeout", 1008),
    /** A newer stream of the same participant replaced this one (on any replica). Not counted as bad input. */
    REPLACED("replaced", 4000),
    /** The participant is no longer in the room (removed by the api, left, room gone). Not counted as bad input. */
    REMOVED("removed", 4003),
    /**
     * This replica is shutting down (a rolling update): 1012 "service restart", reconnect at once (the load balancer
     * sends the new stream to another replica). Not counted as bad input.
     */
    SHUTDOWN("shutdown", 1012);

    private final String code;
    private final int closeCode;

    AudioRejection(String code, int closeCode) {
        this.code = code;
        this.closeCode = closeCode;
    }

    public String code() {
        return code;
    }

    public int closeCode() {
        return closeCode;
    }

    /** Whether this counts in {@code babelcall.audio.rejected} (bad input, as opposed to replacement or removal). */
    public boolean badInput() {
        return this != REPLACED && this != REMOVED && this != SHUTDOWN;
    }
}

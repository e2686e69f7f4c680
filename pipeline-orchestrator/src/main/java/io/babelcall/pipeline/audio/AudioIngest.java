package io.babelcall.pipeline.audio;

import io.babelcall.common.audio.AudioControl;
import io.babelcall.common.audio.AudioStart;
import io.babelcall.common.audio.AudioStop;
import tools.jackson.databind.ObjectMapper;

/**
 * The audio protocol of one stream, without a socket: checks each frame against the rules (start first, pcm16 at
 * 16/48 kHz, even byte counts, 10-100 ms per frame, 64 KiB) and turns binary frames into 16 kHz samples. Violations
 * throw {@link AudioRejectedException}. One instance per stream; frames are handled in order by one thread at a time.
 * The rate limit is per speaker, across streams: {@link SpeakerRateLimiter}, applied by the speaker's pipeline.
 */
public final class AudioIngest {

    /** Text frames are tiny JSON objects; anything longer is refused unparsed. */
    static final int MAX_TEXT_FRAME_CHARS = 1024;

    /** What a text frame asked for. */
    public enum Control { START, STOP }

    private final AudioProperties props;
    private final ObjectMapper json;
    private int sampleRate;
    private Decimator48To16 decimator;

    public AudioIngest(AudioProperties props, ObjectMapper json) {
        this.props = props;
        this.json = json;
    }

    public boolean started() {
        return sampleRate != 0;
    }

    /** The client's sample rate (0 before start). */
    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Checks one text (control) frame of the stream and says what to do with it.
     *
     * @param nowNanos the frame's arrival ({@link System#nanoTime()}); not needed by the checks made here
     */
    public Control onText(String text, long nowNanos) {
        if (text.length() > MAX_TEXT_FRAME_CHARS) {
            throw new AudioRejectedException(AudioRejection.BAD_MESSAGE, "text frame too long");
        }
        AudioControl control;
        try {
            control = json.readValue(text, AudioControl.class);
        } catch (RuntimeException e) {
            throw new AudioRejectedException(AudioRejection.BAD_MESSAGE,
                    "expected {\"type\":\"start\",\"sampleRate\":16000|48000,\"encoding\":\"pcm16\"} or {\"type\":\"stop\"}");
        }
        if (control instanceof AudioStop) {
            return Control.STOP;
        }
        AudioStart start = (AudioStart) control;
        if (started()) {
            throw new AudioRejectedException(AudioRejection.BAD_MESSAGE, "stream already started");
        }
        if (!AudioStart.PCM16.equals(start.encoding())) {
            throw new AudioRejectedException(AudioRejection.UNSUPPORTED_FORMAT,
                    "unsupported encoding: only pcm16 (PCM16LE mono)"); // never echoes what the client sent
        }
        if (start.sampleRate() != 16_000 && start.sampleRate() != 48_000) {
            throw new AudioRejectedException(AudioRejection.UNSUPPORTED_FORMAT,
                    "unsupported sampleRate: only 16000 or 48000");
        }
        sampleRate = start.sampleRate();
        decimator = sampleRate == 48_000 ? new Decimator48To16() : null;
        return Control.START;
    }

    /** Checks a binary frame and returns its audio at 16 kHz; {@code nowNanos} as in {@link #onText}. */
    public short[] onBinary(byte[] payload, long nowNanos) {
        if (!started()) {
            throw new AudioRejectedException(AudioRejection.NO_START, "send {\"type\":\"start\",...} before audio");
        }
        int bytes = payload.length;
        if (bytes > props.maxFrameBytes()) {
            throw new AudioRejectedException(AudioRejection.TOO_BIG,
                    "frame of " + bytes + " bytes exceeds " + props.maxFrameBytes());
        }
        if ((bytes & 1) != 0) {
            throw new AudioRejectedException(AudioRejection.ODD_BYTES,
                    "frame of " + bytes + " bytes: PCM16 needs an even byte count");
        }
        int samples = bytes / 2;
        long micros = samples * 1_000_000L / sampleRate;
        if (micros < props.minFrameDuration().toNanos() / 1000 || micros > props.maxFrameDuration().toNanos() / 1000) {
            throw new AudioRejectedException(AudioRejection.FRAME_DURATION, "frame of " + micros / 1000.0
                    + " ms: frames must hold " + props.minFrameDuration().toMillis() + "-"
                    + props.maxFrameDuration().toMillis() + " ms of audio");
        }
        short[] pcm = new short[samples];
        for (int i = 0, b = 0; i < samples; i++, b += 2) {
            pcm[i] = (short) ((payload[b] & 0xff) | (payload[b + 1] << 8));
        }
        return decimator == null ? pcm : decimator.process(pcm, 0, pcm.length);
    }
}

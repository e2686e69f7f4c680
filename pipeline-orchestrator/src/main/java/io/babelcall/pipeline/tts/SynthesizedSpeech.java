package io.babelcall.pipeline.tts;

import java.time.Duration;

/** A synthesis result: a complete WAV file and its playing time. */
public record SynthesizedSpeech(byte[] wav, Duration duration) {
}

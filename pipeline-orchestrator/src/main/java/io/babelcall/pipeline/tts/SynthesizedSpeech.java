package io.babelcall.pipeline.tts;

import java.time.Duration;

/** A synthesis result: a complete WAV file and its playing time. */
// ArrayRecordComponent: a carrier of bytes handed on once, never compared, hashed or printed
@SuppressWarnings("ArrayRecordComponent")
public record SynthesizedSpeech(byte[] wav, Duration duration) {
}

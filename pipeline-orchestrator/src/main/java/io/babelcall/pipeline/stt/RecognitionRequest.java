package io.babelcall.pipeline.stt;

import io.babelcall.common.language.LanguageCode;

/** Who is speaking, in which language, at which sample rate: what an engine needs to open a session. */
public record RecognitionRequest(String roomId, String speakerId, LanguageCode language, int sampleRate) {
}

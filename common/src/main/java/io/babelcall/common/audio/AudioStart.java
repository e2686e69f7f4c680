package io.babelcall.common.audio;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Opens an audio stream: binary frames that follow are PCM16LE mono at {@code sampleRate} (16000 or 48000). */
@JsonTypeName("start")
public record AudioStart(int sampleRate, String encoding) implements AudioControl {

    public static final String PCM16 = "pcm16";
}

package io.babelcall.common.audio;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** Ends the audio stream; an utterance in progress is finalised. */
@JsonTypeName("stop")
public record AudioStop() implements AudioControl {
}

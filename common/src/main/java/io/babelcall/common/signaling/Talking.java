package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** SFU rooms: the SFU's voice activity of one participant (the speaking ring), from the audio levels it receives. */
@JsonTypeName("talking")
public record Talking(String participantId, boolean talking) implements ServerMessage {
}

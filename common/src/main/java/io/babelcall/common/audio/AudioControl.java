package io.babelcall.common.audio;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Text frames on the orchestrator's audio WebSocket: {@link AudioStart} first, {@link AudioStop} to end. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(AudioStart.class),
        @JsonSubTypes.Type(AudioStop.class)
})
public interface AudioControl {
}

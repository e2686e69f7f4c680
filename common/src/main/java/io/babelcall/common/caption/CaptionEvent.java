package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.babelcall.common.signaling.ServerMessage;

/**
 * An event the orchestrator publishes on a room's events channel ({@code RedisKeys.events(roomId)}) and signaling
 * delivers unchanged to the listeners it concerns. {@code speaker} is the participant id of whoever spoke.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Transcript.class),
        @JsonSubTypes.Type(Translation.class),
        @JsonSubTypes.Type(Dub.class),
        @JsonSubTypes.Type(CaptionStatus.class)
})
public interface CaptionEvent extends ServerMessage {

    String speaker();
}

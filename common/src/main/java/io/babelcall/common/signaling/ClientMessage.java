package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A message a browser sends on its signaling WebSocket. JSON objects discriminated by {@code type}; see
 * {@code docs/signaling.md} for the exact protocol.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Offer.class),
        @JsonSubTypes.Type(Answer.class),
        @JsonSubTypes.Type(Ice.class),
        @JsonSubTypes.Type(Chat.class),
        @JsonSubTypes.Type(MediaUpdate.class),
        @JsonSubTypes.Type(LanguageUpdate.class),
        @JsonSubTypes.Type(Leave.class),
        @JsonSubTypes.Type(Ping.class)
})
public interface ClientMessage {
}

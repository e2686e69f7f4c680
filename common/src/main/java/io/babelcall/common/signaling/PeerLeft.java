package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** A peer left: {@code reason} is {@code leave}, {@code closed}, {@code timeout} or {@code removed}. */
@JsonTypeName("peer-left")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PeerLeft(String participantId, String reason) implements ServerMessage {
}

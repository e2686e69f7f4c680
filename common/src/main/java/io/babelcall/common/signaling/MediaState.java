package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * SFU rooms: the state of the participant's media path. {@code connected}: publishing and receiving through the SFU;
 * {@code restart}: the SFU node was lost or the call's media room closed - publish again; {@code failed}: this
 * participant's media connection did not come up (it may publish again); {@code unavailable}: no SFU can be reached,
 * calls cannot carry media now. {@code reason} says why.
 */
@JsonTypeName("media-state")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaState(String state, String reason) implements ServerMessage {

    public static final String CONNECTED = "connected";
    public static final String RESTART = "restart";
    public static final String FAILED = "failed";
    public static final String UNAVAILABLE = "unavailable";
}

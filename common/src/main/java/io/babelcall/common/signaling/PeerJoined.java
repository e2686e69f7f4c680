package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

@JsonTypeName("peer-joined")
public record PeerJoined(Peer peer) implements ServerMessage {
}

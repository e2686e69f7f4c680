package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** A peer changed media or languages, or reconnected within the grace period. */
@JsonTypeName("peer-updated")
public record PeerUpdated(Peer peer) implements ServerMessage {
}

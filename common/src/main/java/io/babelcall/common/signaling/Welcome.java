package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * First message on a new signaling socket: who I am, who else is in the room, and how media flows: {@value #SFU}
 * (publish once to the SFU, receive the others from it) or {@value #MESH} (a PeerConnection per peer).
 */
@JsonTypeName("welcome")
public record Welcome(Peer self, List<Peer> peers, String media) implements ServerMessage {

    public static final String SFU = "sfu";
    public static final String MESH = "mesh";
}

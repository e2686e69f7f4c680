package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/** First message on a new signaling socket: who I am and who else is in the room. */
@JsonTypeName("welcome")
public record Welcome(Peer self, List<Peer> peers) implements ServerMessage {
}

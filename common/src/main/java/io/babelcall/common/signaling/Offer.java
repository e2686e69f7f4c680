package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** WebRTC SDP offer relayed to one peer: the client names {@code to}, the server adds {@code from}. */
@JsonTypeName("offer")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Offer(String to, String from, String sdp) implements ClientMessage, ServerMessage {

    public Offer relayedFrom(String sender) {
        return new Offer(to, sender, sdp);
    }

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.offer(this, context);
    }
}

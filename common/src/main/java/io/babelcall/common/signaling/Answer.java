package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** WebRTC SDP answer relayed to one peer: the client names {@code to}, the server adds {@code from}. */
@JsonTypeName("answer")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(String to, String from, String sdp) implements ClientMessage, ServerMessage {

    public Answer relayedFrom(String sender) {
        return new Answer(to, sender, sdp);
    }

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.answer(this, context);
    }
}

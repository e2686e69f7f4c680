package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** SFU rooms: the SDP answer of the receiving PeerConnection to the server's last {@link SubscribeOffer}. */
@JsonTypeName("subscribe-answer")
public record SubscribeAnswer(String sdp) implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.subscribeAnswer(this, context);
    }
}

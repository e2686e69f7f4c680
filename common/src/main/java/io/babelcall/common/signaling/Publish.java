package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * SFU rooms: the SDP offer of the sender's publishing PeerConnection (camera, microphone, screen), negotiated with the
 * SFU by the server; answered by {@link PublishAnswer}. Sent again to renegotiate (a new track, an ICE restart).
 */
@JsonTypeName("publish")
public record Publish(String sdp) implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.publish(this, context);
    }
}

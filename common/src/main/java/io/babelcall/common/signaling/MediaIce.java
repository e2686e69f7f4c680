package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * SFU rooms: a trickled ICE candidate of one of the sender's two PeerConnections ({@code pc}: {@value #PUBLISH} or
 * {@value #SUBSCRIBE}) for the SFU; a null {@code candidate} means end of candidates.
 */
@JsonTypeName("media-ice")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MediaIce(String pc, IceCandidate candidate) implements ClientMessage {

    public static final String PUBLISH = "publish";
    public static final String SUBSCRIBE = "subscribe";

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.mediaIce(this, context);
    }
}

package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** A trickled ICE candidate relayed to one peer; a null {@code candidate} means end of candidates. */
@JsonTypeName("ice")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ice(String to, String from, IceCandidate candidate) implements ClientMessage, ServerMessage {

    public Ice relayedFrom(String sender) {
        return new Ice(to, sender, candidate);
    }

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.ice(this, context);
    }
}

package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** The sender leaves the room for good (no reconnect grace). */
@JsonTypeName("leave")
public record Leave() implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.leave(this, context);
    }
}

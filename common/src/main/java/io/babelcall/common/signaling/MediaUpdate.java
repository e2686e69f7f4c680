package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** The sender's microphone and camera are now on or off; broadcast to the room as {@code peer-updated}. */
@JsonTypeName("media")
public record MediaUpdate(Boolean audio, Boolean video) implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.media(this, context);
    }
}

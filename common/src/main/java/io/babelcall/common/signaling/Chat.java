package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** A chat line: the client sends {@code text}; the room receives it with sender, server timestamp and id. */
@JsonTypeName("chat")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chat(String from, String text, Instant ts, String id) implements ClientMessage, ServerMessage {

    /** Longest chat text accepted, in characters. */
    public static final int MAX_TEXT_LENGTH = 2000;

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.chat(this, context);
    }
}

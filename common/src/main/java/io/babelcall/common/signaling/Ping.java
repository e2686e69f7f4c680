package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** Application heartbeat; answered by {@link Pong} echoing {@code ts}. */
@JsonTypeName("ping")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Ping(Long ts) implements ClientMessage {

    @Override
    public <C> void dispatchTo(Handler<C> handler, C context) {
        handler.ping(this, context);
    }
}

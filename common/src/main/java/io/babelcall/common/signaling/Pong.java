package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;

/** Answer to {@link Ping}. */
@JsonTypeName("pong")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Pong(Long ts) implements ServerMessage {
}

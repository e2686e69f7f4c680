package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** A request the server refused; {@code code} is stable and machine-readable, {@code message} is for people. */
@JsonTypeName("error")
public record ErrorMessage(String code, String message) implements ServerMessage {
}

package io.babelcall.signaling.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.signaling.ClientMessage;
import io.babelcall.common.signaling.ErrorMessage;
import io.babelcall.common.signaling.IceCandidate;
import io.babelcall.support.json.ClientJson;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * The {@code error} a client gets for a message that could not be read. It names the field and what was expected,
 * never the value: whatever the client sent (a lone surrogate, a control character, a megabyte of text) must not come
 * back in a frame that could break the socket or a log reader, nor be reflected to trick a user.
 */
final class InboundErrors {

    /** The message types a client may send, for the {@code unknown_type} hint: read from the wire type itself. */
    static final String TYPES = Arrays.stream(ClientMessage.class.getAnnotation(JsonSubTypes.class).value())
            .map(t -> t.value().getAnnotation(JsonTypeName.class).value())
            .collect(Collectors.joining(", "));

    /** Property names a path may show: ours are short identifiers; anything else is the client's and is hidden. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,31}");

    private InboundErrors() {
    }

    static ErrorMessage of(JacksonException e) {
        if (e instanceof InvalidTypeIdException t) {
            return t.getTypeId() == null || t.getTypeId().isEmpty()
                    ? new ErrorMessage("missing_field", "message needs a 'type'")
                    : new ErrorMessage("unknown_type", "unknown message type; expected one of " + TYPES);
        }
        if (e instanceof StreamReadException) {
            return new ErrorMessage("invalid_json", "not a JSON object (malformed" + where(e.getLocation()) + ")");
        }
        if (ClientJson.isMalformedString(e)) {
            return new ErrorMessage("invalid_field", field(e) + " " + ClientJson.NOT_UNICODE);
        }
        if (e instanceof ValueInstantiationException v) {
            return new ErrorMessage("invalid_field", field(e) + " " + expected(v.getType().getRawClass()));
        }
        if (e instanceof MismatchedInputException m && !e.getPath().isEmpty()) {
            return new ErrorMessage("invalid_field", field(e) + " " + expected(m.getTargetType()));
        }
        String msg = e.getOriginalMessage();
        if (msg != null && msg.contains("missing type id")) {
            return new ErrorMessage("missing_field", "message needs a 'type'");
        }
        return new ErrorMessage("invalid_message", "the message could not be read as a " + TYPES + " message");
    }

    /** The failing field as {@code 'candidate.sdpMid'}, from the exception's path of our own property names. */
    static String field(JacksonException e) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            String name = r.getPropertyName();
            if (name != null) {
                out.append(out.isEmpty() ? "" : ".").append(FIELD_NAME.matcher(name).matches() ? name : "?");
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "a field" : "'" + out + "'";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "has an invalid value";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == LanguageCode.class) {
            return "must be a language tag such as 'en' or 'pt-BR'";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "must be a number";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == IceCandidate.class) {
            return "must be an object (RTCIceCandidate.toJSON()) or null";
        }
        if (type == Instant.class) {
            return "must be an ISO-8601 timestamp";
        }
        return "has an invalid value";
    }

    private static String where(TokenStreamLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}

package io.babelcall.support.json;

import io.babelcall.common.text.UnicodeText;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * The mapper for JSON that clients send: every string value, in every field of every message, must be well-formed
 * Unicode. A JSON escape can spell a lone UTF-16 surrogate ({@code "\ud800"}), which Java keeps but no UTF-8 encoder
 * writes: accepted, it would break every socket, Redis value or log line it later reaches. Refused here, the field
 * is reported by name ({@link #NOT_UNICODE}) and the value is never echoed.
 *
 * <p>Only for client input: data the services wrote themselves (Redis) or that engines return is read with the
 * ordinary mapper.
 */
public final class ClientJson {

    /** The message of the {@link InvalidFormatException} a malformed string raises (the value is not in it). */
    public static final String NOT_UNICODE = "is not valid Unicode (unpaired UTF-16 surrogate)";

    private ClientJson() {
    }

    /** A copy of {@code base} (its settings and modules) that refuses malformed strings. */
    public static ObjectMapper strict(ObjectMapper base) {
        return base.rebuild().addModule(module()).build();
    }

    /** The module that makes a mapper refuse malformed strings; registered by {@link #strict}. */
    public static SimpleModule module() {
        return new SimpleModule("babelcall-well-formed-strings").addDeserializer(String.class, new WellFormed());
    }

    /** Whether {@code e} is the refusal of a malformed string (so callers can map it to their own error code). */
    public static boolean isMalformedString(JacksonException e) {
        return e instanceof InvalidFormatException f && f.getTargetType() == String.class
                && NOT_UNICODE.equals(f.getOriginalMessage());
    }

    /** Jackson's own string deserializer, then the check. */
    private static final class WellFormed extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            String value = super.deserialize(p, ctxt);
            if (value != null && !UnicodeText.isWellFormed(value)) {
                // The value is attached for callers' own use; the message never contains it.
                throw InvalidFormatException.from(p, NOT_UNICODE, value, String.class);
            }
            return value;
        }
    }
}

package io.babelcall.signaling.session;

import io.babelcall.common.text.UnicodeText;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The relay hot path without Jackson databind: reads a well-formed {@code offer}/{@code answer}/{@code ice} with the
 * streaming parser and writes the relayed JSON directly, with {@code from} set to the sender. It produces exactly what
 * databind would ({@code Offer}/{@code Answer}/{@code Ice} records, nulls omitted, properties in record order), so
 * the receiver cannot tell the paths apart.
 *
 * <p>It only accepts the plain case: every property known and of the right JSON type, no duplicates, no nulls inside
 * {@code candidate}, nothing after the object, every string printable ({@link UnicodeText#isPrintableText}: no lone
 * surrogate, which no socket could write, and no control character). Anything else (including every malformed message) returns null and
 * takes the databind path, which produces the documented error codes; so this class never decides an error.
 */
final class RelayFastPath {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final int T_OFFER = 1;
    private static final int T_ANSWER = 2;
    private static final int T_ICE = 3;

    private RelayFastPath() {
    }

    /** A relay read from a client message: its type, the target and the JSON to send to it. */
    record Relay(String type, String to, String json) {
    }

    /**
     * Parses {@code text} as a relay message from {@code fromField} (a quoted JSON string: the sender's id), or
     * returns null when the message is not a plain, valid relay (the caller then uses the full parser).
     */
    static Relay parse(String text, String fromField) {
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int type = 0;
            String to = null;
            String sdp = null;
            boolean seenFrom = false;
            boolean seenCandidate = false;
            String candidate = null; // serialized candidate object, null for "end of candidates"
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "type" -> {
                        if (type != 0 || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        type = switch (p.getString()) {
                            case "offer" -> T_OFFER;
                            case "answer" -> T_ANSWER;
                            case "ice" -> T_ICE;
                            default -> -1;
                        };
                        if (type < 0) {
                            return null;
                        }
                    }
                    case "to" -> {
                        if (to != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        to = p.getString();
                        if (!UnicodeText.isPrintableText(to)) {
                            return null;
                        }
                    }
                    case "from" -> { // set by the server; the client's value is ignored
                        if (seenFrom || (v != JsonToken.VALUE_STRING && v != JsonToken.VALUE_NULL)) {
                            return null;
                        }
                        seenFrom = true;
                    }
                    case "sdp" -> {
                        if (sdp != null || v != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        sdp = p.getString();
                        if (!UnicodeText.isPrintableText(sdp)) {
                            return null;
                        }
                    }
                    case "candidate" -> {
                        if (seenCandidate) {
                            return null;
                        }
                        seenCandidate = true;
                        if (v == JsonToken.START_OBJECT) {
                            candidate = candidate(p);
                            if (candidate == null) {
                                return null;
                            }
                        } else if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || to == null) {
                return null;
            }
            StringBuilder out = new StringBuilder(64 + to.length() + fromField.length()
                    + (sdp != null ? sdp.length() + 16 : 0) + (candidate != null ? candidate.length() : 0));
            switch (type) {
                case T_OFFER, T_ANSWER -> {
                    if (sdp == null || seenCandidate) {
                        return null;
                    }
                    out.append(type == T_OFFER ? "{\"type\":\"offer\",\"to\":" : "{\"type\":\"answer\",\"to\":");
                    quote(out, to).append(",\"from\":").append(fromField).append(",\"sdp\":");
                    quote(out, sdp).append('}');
                    return new Relay(type == T_OFFER ? "offer" : "answer", to, out.toString());
                }
                case T_ICE -> {
                    if (sdp != null) {
                        return null;
                    }
                    out.append("{\"type\":\"ice\",\"to\":");
                    quote(out, to).append(",\"from\":").append(fromField);
                    if (candidate != null) {
                        out.append(",\"candidate\":").append(candidate);
                    }
                    return new Relay("ice", to, out.append('}').toString());
                }
                default -> {
                    return null;
                }
            }
        } catch (RuntimeException e) { // JacksonException included: the full parser reports the error
            return null;
        }
    }

    /** The candidate object (parser on its START_OBJECT) serialized as {@code IceCandidate}, or null if not plain. */
    private static String candidate(JsonParser p) {
        String candidate = null;
        String sdpMid = null;
        String ufrag = null;
        int index = 0;
        boolean hasIndex = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "candidate" -> {
                    if (candidate != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    candidate = p.getString();
                    if (!UnicodeText.isPrintableText(candidate)) {
                        return null;
                    }
                }
                case "sdpMid" -> {
                    if (sdpMid != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    sdpMid = p.getString();
                    if (!UnicodeText.isPrintableText(sdpMid)) {
                        return null;
                    }
                }
                case "usernameFragment" -> {
                    if (ufrag != null || v != JsonToken.VALUE_STRING) {
                        return null;
                    }
                    ufrag = p.getString();
                    if (!UnicodeText.isPrintableText(ufrag)) {
                        return null;
                    }
                }
                case "sdpMLineIndex" -> {
                    if (hasIndex || v != JsonToken.VALUE_NUMBER_INT
                            || p.getNumberType() != JsonParser.NumberType.INT) {
                        return null;
                    }
                    index = p.getIntValue();
                    hasIndex = true;
                }
                default -> {
                    return null;
                }
            }
        }
        if (t != JsonToken.END_OBJECT) {
            return null;
        }
        StringBuilder out = new StringBuilder(160);
        out.append('{');
        boolean first = true;
        if (candidate != null) {
            quote(out.append("\"candidate\":"), candidate);
            first = false;
        }
        if (sdpMid != null) {
            quote(out.append(first ? "" : ",").append("\"sdpMid\":"), sdpMid);
            first = false;
        }
        if (hasIndex) {
            out.append(first ? "" : ",").append("\"sdpMLineIndex\":").append(index);
            first = false;
        }
        if (ufrag != null) {
            quote(out.append(first ? "" : ",").append("\"usernameFragment\":"), ufrag);
        }
        return out.append('}').toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Appends {@code s} as a JSON string, escaped as Jackson does by default. */
    static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        int start = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, start, i);
            start = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return out.append(s, start, s.length()).append('"');
    }
}

package io.babelcall.common.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a WebSocket handshake carries the participant token, in order: the {@code access_token} query parameter, or a
 * {@code Sec-WebSocket-Protocol} list of the form {@code bearer, <token>} (browsers cannot set an Authorization header
 * on a WebSocket). A server that accepts the subprotocol form must answer with the subprotocol {@value #SUBPROTOCOL}.
 * Also reads {@code Authorization: Bearer <token>} for plain HTTP requests.
 */
public final class TokenCarrier {

    public static final String QUERY_PARAMETER = "access_token";
    public static final String SUBPROTOCOL = "bearer";

    private TokenCarrier() {
    }

    /** The token from a raw (still percent-encoded) query string such as {@code a=1&access_token=xyz}. */
    public static Optional<String> fromQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq > 0 && QUERY_PARAMETER.equals(pair.substring(0, eq))) {
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return value.isBlank() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** The token from a {@code Sec-WebSocket-Protocol} header value such as {@code bearer, eyJ...}. */
    public static Optional<String> fromSubprotocols(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return Optional.empty();
        }
        String[] entries = headerValue.split(",", -1);
        for (int i = 0; i < entries.length - 1; i++) {
            if (SUBPROTOCOL.equalsIgnoreCase(entries[i].trim())) {
                String token = entries[i + 1].trim();
                return token.isEmpty() ? Optional.empty() : Optional.of(token);
            }
        }
        return Optional.empty();
    }

    /** The token from an {@code Authorization} header value {@code Bearer <token>}. */
    public static Optional<String> fromAuthorization(String headerValue) {
        if (headerValue == null) {
            return Optional.empty();
        }
        String v = headerValue.trim();
        if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = v.substring(7).trim();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }
}

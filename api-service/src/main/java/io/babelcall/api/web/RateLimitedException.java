package io.babelcall.api.web;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * 429 with {@code Retry-After} in whole seconds (at least 1), and which bucket ran out: {@code scope} {@code address}
 * (this client's) or {@code room} (the room's, whoever is asking).
 */
public class RateLimitedException extends ApiException {

    /** Whose bucket is empty; the problem's {@code scope} member and the start of its detail. */
    public enum Scope {
        ADDRESS("Too many requests from this address"),
        ROOM("Too many joins to this room");

        private final String detail;

        Scope(String detail) {
            this.detail = detail;
        }
    }

    public RateLimitedException(Duration retryAfter, Scope scope) {
        super(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                scope.detail + "; retry after " + seconds(retryAfter) + " s.");
        getHeaders().set("Retry-After", Long.toString(seconds(retryAfter)));
        getBody().setProperty("retryAfterSeconds", seconds(retryAfter));
        getBody().setProperty("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}

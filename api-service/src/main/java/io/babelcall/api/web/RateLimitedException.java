package io.babelcall.api.web;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/** 429 with {@code Retry-After} in whole seconds (at least 1). */
public class RateLimitedException extends ApiException {

    public RateLimitedException(Duration retryAfter) {
        super(HttpStatus.TOO_MANY_REQUESTS, "rate_limited",
                "Too many requests from this address; retry after " + seconds(retryAfter) + " s.");
        getHeaders().set("Retry-After", Long.toString(seconds(retryAfter)));
        getBody().setProperty("retryAfterSeconds", seconds(retryAfter));
    }

    private static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }
}

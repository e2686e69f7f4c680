package io.babelcall.pipeline.security;

import io.lettuce.core.RedisException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * A REST request (transcript, dub audio) that Redis could not answer gets 503 {@code store_unavailable}: the client
 * retries. Without this, the failure reached Spring Boot's default handler as a 500, logged with the request's raw
 * query, where a download's {@code access_token} would have landed in the logs. Logged here by path only.
 */
@RestControllerAdvice
public class StoreUnavailableAdvice {

    private static final Logger log = LoggerFactory.getLogger(StoreUnavailableAdvice.class);

    @ExceptionHandler({DataAccessException.class, RedisException.class, TimeoutException.class})
    public ErrorResponse storeUnavailable(Exception e, ServerWebExchange exchange) {
        log.warn("{} {}: the store did not answer: {}", exchange.getRequest().getMethod(),
                exchange.getRequest().getPath().value(), e.getClass().getSimpleName());
        return RoomAccess.problem(HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                "the store cannot answer now; retry");
    }
}

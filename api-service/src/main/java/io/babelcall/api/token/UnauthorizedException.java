package io.babelcall.api.token;

import io.babelcall.api.web.ApiException;
import io.babelcall.common.token.InvalidTokenException;
import org.springframework.http.HttpStatus;

/** 401 with an RFC 6750 {@code WWW-Authenticate: Bearer} challenge saying why the token was refused. */
public class UnauthorizedException extends ApiException {

    public UnauthorizedException(InvalidTokenException.Reason reason, String detail) {
        super(HttpStatus.UNAUTHORIZED, reason == InvalidTokenException.Reason.MISSING ? "token_missing" : "token_invalid",
                detail);
        getBody().setProperty("reason", reason.name().toLowerCase(java.util.Locale.ROOT));
        // RFC 6750 §3: no error attribute when the request carried no credentials at all.
        getHeaders().set("WWW-Authenticate", reason == InvalidTokenException.Reason.MISSING
                ? "Bearer realm=\"babelcall\""
                : "Bearer realm=\"babelcall\", error=\"invalid_token\", error_description=\"" + detail + "\"");
    }
}

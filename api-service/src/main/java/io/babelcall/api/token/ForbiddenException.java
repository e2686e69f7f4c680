package io.babelcall.api.token;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/** 403: a valid token, but for another room or another participant. */
public class ForbiddenException extends ApiException {

    public ForbiddenException(String detail) {
        super(HttpStatus.FORBIDDEN, "token_scope", detail);
    }
}

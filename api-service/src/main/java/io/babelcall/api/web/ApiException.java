package io.babelcall.api.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An error the api answers on purpose: an RFC 9457 problem with a stable machine-readable {@code code} member next to
 * the human {@code detail}. Subclasses add headers ({@code Retry-After}, {@code WWW-Authenticate}).
 */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, String code, String detail) {
        this(status, code, detail, null);
    }

    public ApiException(HttpStatus status, String code, String detail, Throwable cause) {
        super(status, problem(status, code, detail), cause);
    }

    private static ProblemDetail problem(HttpStatus status, String code, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setProperty("code", code);
        return problem;
    }
}

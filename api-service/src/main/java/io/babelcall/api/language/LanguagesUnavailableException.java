package io.babelcall.api.language;

import io.babelcall.api.web.ApiException;
import org.springframework.http.HttpStatus;

/** 503: the orchestrator could not be asked and nothing is cached. */
public class LanguagesUnavailableException extends ApiException {

    public LanguagesUnavailableException(Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "languages_unavailable",
                "The language list is unavailable: the pipeline orchestrator did not answer. Try again shortly.",
                cause);
        getHeaders().set("Retry-After", "5");
    }
}

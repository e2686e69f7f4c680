package io.babelcall.api.web;

import io.babelcall.support.json.ClientJson;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebInputException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;

/**
 * Turns any failure into the RFC 9457 problem the client sees. One place, so controllers, filters and framework
 * errors (unknown path, wrong method, malformed JSON) all answer alike.
 */
@Component
public class ProblemMapper {

    private static final Logger log = LoggerFactory.getLogger(ProblemMapper.class);

    /** A value of another JSON type than its field's, or out of its type's range (see {@link RequestJson}). */
    static final String WRONG_TYPE = "has the wrong type or format";

    /** Status, headers and body of one error response. */
    public record Problem(HttpStatusCode status, HttpHeaders headers, ProblemDetail body) {
    }

    public Problem map(Throwable ex, ServerHttpRequest request) {
        Problem problem = classify(ex);
        if (problem.body().getInstance() == null) {
            problem.body().setInstance(URI.create(request.getPath().value()));
        }
        if (problem.status().is5xxServerError()) {
            log.warn("{} {} failed with {}", request.getMethod(), request.getPath(), problem.status(), ex);
        } else {
            log.debug("{} {} answered {}: {}", request.getMethod(), request.getPath(), problem.status(), ex.toString());
        }
        return problem;
    }

    private Problem classify(Throwable ex) {
        if (causedBy(ex, DataBufferLimitException.class) != null) {
            return of(HttpStatus.CONTENT_TOO_LARGE, "body_too_large", "The request body is larger than allowed.");
        }
        if (ex instanceof WebExchangeBindException bind) {
            return validation(bind);
        }
        if (ex instanceof ServerWebInputException input && !(ex instanceof WebExchangeBindException)) {
            Problem decoding = decoding(input);
            if (decoding != null) {
                return decoding;
            }
        }
        if (ex instanceof ErrorResponse response) {
            HttpHeaders headers = new HttpHeaders();
            headers.addAll(response.getHeaders());
            ProblemDetail body = response.getBody();
            if (body.getProperties() == null || !body.getProperties().containsKey("code")) {
                body.setProperty("code", defaultCode(response.getStatusCode()));
            }
            return new Problem(response.getStatusCode(), headers, body);
        }
        if (causedBy(ex, DataAccessException.class) != null) {
            return of(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable",
                    "Room storage is unavailable; try again shortly.");
        }
        return of(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", "Unexpected server error.");
    }

    private static Problem validation(WebExchangeBindException bind) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError error : bind.getFieldErrors()) {
            errors.add(Map.of("field", error.getField(),
                    "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage()));
        }
        bind.getGlobalErrors().forEach(error -> errors.add(Map.of("field", "",
                "message", error.getDefaultMessage() == null ? "is invalid" : error.getDefaultMessage())));
        String detail = errors.stream().map(e -> (e.get("field").isEmpty() ? "" : e.get("field") + ": ") + e.get("message"))
                .collect(Collectors.joining("; "));
        Problem problem = of(HttpStatus.BAD_REQUEST, "validation_failed", "Invalid request: " + detail);
        problem.body().setProperty("errors", errors);
        return problem;
    }

    /** Malformed JSON, wrong value types, missing body: 400 with the offending field when Jackson knows it. */
    private static Problem decoding(ServerWebInputException input) {
        JacksonException jackson = causedBy(input, JacksonException.class);
        // A number too large for its field is reported by the parser, but it is a wrong value, not broken JSON.
        boolean brokenJson = jackson instanceof StreamReadException && !(jackson instanceof InputCoercionException);
        if (brokenJson || (jackson != null && jackson.getPath().isEmpty())) {
            return of(HttpStatus.BAD_REQUEST, "malformed_json", "The request body is not valid JSON.");
        }
        if (jackson != null) {
            String field = jackson.getPath().stream()
                    .map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            // Jackson's own message may quote the value; only the field and a fixed text go back.
            String message = ClientJson.isMalformedString(jackson) ? ClientJson.NOT_UNICODE : WRONG_TYPE;
            Problem problem = of(HttpStatus.BAD_REQUEST, "validation_failed", "Invalid request: " + field + ": " + message);
            problem.body().setProperty("errors", List.of(Map.of("field", field, "message", message)));
            return problem;
        }
        if (input.getCause() != null) {
            return of(HttpStatus.BAD_REQUEST, "malformed_request", "The request body could not be read.");
        }
        return null;
    }

    private static Problem of(HttpStatus status, String code, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        body.setProperty("code", code);
        return new Problem(status, new HttpHeaders(), body);
    }

    private static String defaultCode(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        return known == null ? "http_" + status.value() : known.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static <T extends Throwable> T causedBy(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}

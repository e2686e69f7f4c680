package io.babelcall.pipeline.security;

import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.pipeline.speech.ListenerDirectory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * Refuses an audio WebSocket at the handshake, before any upgrade: 403 for a browser origin not in
 * {@code babelcall.cors.allowed-origins}, 401 for a missing/invalid token, 403 when the token's participant is not
 * in the room's participants hash (left, or never joined), 503 when Redis cannot answer that check. Otherwise puts
 * the {@link AuthenticatedSpeaker} in the exchange attributes, which the handshake copies into the session.
 */
public class AudioHandshakeFilter implements WebFilter, Ordered {

    private static final Logger log = LoggerFactory.getLogger(AudioHandshakeFilter.class);

    public static final String PATH = "/ws/audio";
    public static final String SPEAKER_ATTRIBUTE = AuthenticatedSpeaker.class.getName();

    private final RoomAccess access;
    private final ListenerDirectory directory;
    private final CorsProperties cors;
    private final ObjectMapper json;
    private final Duration checkTimeout;

    public AudioHandshakeFilter(RoomAccess access, ListenerDirectory directory, CorsProperties cors, ObjectMapper json,
                                Duration checkTimeout) {
        this.access = access;
        this.directory = directory;
        this.cors = cors;
        this.json = json;
        this.checkTimeout = checkTimeout;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!PATH.equals(exchange.getRequest().getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (!cors.allows(origin)) {
            // the origin is not repeated: nothing a client sends is echoed
            return refuse(exchange, HttpStatus.FORBIDDEN, "origin_not_allowed",
                    "this origin is not allowed (babelcall.cors.allowed-origins)");
        }
        ParticipantClaims claims;
        try {
            claims = access.authenticate(exchange.getRequest());
        } catch (ErrorResponseException e) {
            return refuse(exchange, HttpStatus.UNAUTHORIZED, "invalid_token", e.getBody().getDetail());
        }
        return directory.participant(claims.roomId(), claims.participantId())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .timeout(checkTimeout)
                .onErrorResume(e -> {
                    // Only the lookup's failure (before the chain): the rest of the exchange is not ours to answer.
                    log.warn("participant check for room {} failed: {}", claims.roomId(), e.toString());
                    return refuse(exchange, HttpStatus.SERVICE_UNAVAILABLE, "store_unavailable",
                            "the participant store cannot answer; retry").then(Mono.empty());
                })
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return refuse(exchange, HttpStatus.FORBIDDEN, "not_a_participant",
                                "participant is not in the room (left, or never joined)");
                    }
                    exchange.getAttributes().put(SPEAKER_ATTRIBUTE, new AuthenticatedSpeaker(claims, found.get()));
                    return chain.filter(exchange);
                });
    }

    /** Writes an RFC 9457 problem response. */
    private Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String code, String detail) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.getReasonPhrase());
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("code", code);
        byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}

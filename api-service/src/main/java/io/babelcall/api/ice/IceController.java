package io.babelcall.api.ice;

import io.babelcall.api.config.OpenApiConfiguration;
import io.babelcall.api.token.BearerAuthenticator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "ICE servers")
public class IceController {

    private final IceServerFactory factory;
    private final BearerAuthenticator authenticator;

    public IceController(IceServerFactory factory, BearerAuthenticator authenticator) {
        this.factory = factory;
        this.authenticator = authenticator;
    }

    @GetMapping(path = "/api/v1/ice-servers", produces = "application/json")
    @SecurityRequirement(name = OpenApiConfiguration.BEARER)
    @Operation(summary = "STUN/TURN servers with fresh TURN credentials",
            description = "For a participant still in its room. TURN entries (TURN REST API scheme, coturn "
                    + "use-auth-secret) only when babelcall.turn.secret is configured; otherwise STUN only.")
    @ApiResponse(responseCode = "200", description = "ICE servers")
    @ApiResponse(responseCode = "401", description = "Missing, malformed, forged or expired token",
            headers = @Header(name = "WWW-Authenticate", description = "Bearer challenge"), content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "403", description = "The participant is no longer in the room (left, removed, or "
            + "the room ended): its token mints no more credentials", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Redis unavailable", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<ResponseEntity<IceServers>> iceServers(ServerHttpRequest http) {
        return authenticator.authenticateMember(http).map(claims -> ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(factory.forParticipant(claims.participantId())));
    }
}

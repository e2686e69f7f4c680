package io.babelcall.api.join;

import io.babelcall.api.config.OpenApiConfiguration;
import io.babelcall.api.token.BearerAuthenticator;
import io.babelcall.api.web.ClientAddressResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/rooms/{roomId}/participants", produces = "application/json")
@Tag(name = "Participants")
public class JoinController {

    private final JoinService joins;
    private final BearerAuthenticator authenticator;
    private final ClientAddressResolver addresses;

    public JoinController(JoinService joins, BearerAuthenticator authenticator, ClientAddressResolver addresses) {
        this.joins = joins;
        this.authenticator = authenticator;
        this.addresses = addresses;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Join a room",
            description = "Rate-limited per client address and per room (babelcall.api.rate-limit.*). "
                    + "Adds the participant (atomic capacity check) and issues its token, the service URLs "
                    + "and ICE servers. Any well-formed language code is accepted; GET /api/v1/languages lists "
                    + "the ones the engines serve.")
    @ApiResponse(responseCode = "201", description = "Joined")
    @ApiResponse(responseCode = "400", description = "Validation failed (field-level 'errors') or malformed JSON",
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "Unknown or expired room", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "Room full", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "Request body too large", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "Too many joins from this address (scope 'address') or into "
            + "this room (scope 'room')", headers = @Header(name = "Retry-After", description = "seconds"),
            content = @Content(mediaType = "application/problem+json",
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Redis unavailable", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<JoinResponse> join(@PathVariable String roomId, @Valid @RequestBody JoinRequest request,
                                   ServerHttpRequest http) {
        return joins.join(roomId, request, addresses.resolve(http));
    }

    @DeleteMapping("/{participantId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @SecurityRequirement(name = OpenApiConfiguration.BEARER)
    @Operation(summary = "Leave a room", description = "Requires this participant's own token.")
    @ApiResponse(responseCode = "204", description = "Left")
    @ApiResponse(responseCode = "401", description = "Missing, malformed, forged or expired token",
            headers = @Header(name = "WWW-Authenticate", description = "Bearer challenge"), content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "403", description = "Token of another room or participant", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "Unknown room or participant", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<Void> leave(@PathVariable String roomId, @PathVariable String participantId, ServerHttpRequest http) {
        return Mono.fromCallable(() -> authenticator.authenticate(http, roomId, participantId))
                .then(Mono.defer(() -> joins.leave(roomId, participantId)));
    }
}

package io.babelcall.api.room;

import io.babelcall.api.web.ClientAddressResolver;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping(path = "/api/v1/rooms", produces = "application/json")
@Tag(name = "Rooms")
public class RoomController {

    private final RoomService rooms;
    private final ClientAddressResolver addresses;

    public RoomController(RoomService rooms, ClientAddressResolver addresses) {
        this.rooms = rooms;
        this.addresses = addresses;
    }

    @PostMapping
    @Operation(summary = "Create a room",
            description = "Rate-limited per client address (babelcall.api.rate-limit.*). The body is optional.")
    @ApiResponse(responseCode = "201", description = "Room created; Location is the room resource",
            headers = @Header(name = "Location", description = "/api/v1/rooms/{roomId}"))
    @ApiResponse(responseCode = "400", description = "Validation failed or malformed JSON", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "Request body too large", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "Too many rooms created from this address",
            headers = @Header(name = "Retry-After", description = "seconds"), content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Redis unavailable", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<ResponseEntity<RoomCreatedResponse>> create(
            @Valid @RequestBody(required = false) CreateRoomRequest request, ServerHttpRequest http) {
        return rooms.create(request, addresses.resolve(http)).map(created -> ResponseEntity
                .created(URI.create("/api/v1/rooms/" + created.roomId()))
                .body(created));
    }

    @GetMapping("/{roomId}")
    @Operation(summary = "Get a room and its participants",
            description = "Counts as activity: extends the room's expiry. The room id is the room's access key.")
    @ApiResponse(responseCode = "200", description = "The room")
    @ApiResponse(responseCode = "404", description = "Unknown or expired room", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Redis unavailable", content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<RoomResponse> get(@PathVariable String roomId) {
        return rooms.get(roomId);
    }
}

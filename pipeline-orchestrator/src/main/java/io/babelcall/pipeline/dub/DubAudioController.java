package io.babelcall.pipeline.dub;

import io.babelcall.pipeline.security.RoomAccess;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audio/{id}}: a dub WAV, for a token of the room it was made for whose participant is still in
 * that room.
 */
@RestController
public class DubAudioController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{10,64}");
    private static final MediaType WAV = MediaType.parseMediaType("audio/wav");

    private final DubAudioStore store;
    private final RoomAccess access;

    public DubAudioController(DubAudioStore store, RoomAccess access) {
        this.store = store;
        this.access = access;
    }

    @GetMapping("/api/v1/audio/{id}")
    public Mono<ResponseEntity<byte[]>> audio(@PathVariable String id, ServerHttpRequest request) {
        var claims = access.authenticate(request);
        return access.requireMember(claims).flatMap(member -> {
            if (!ID.matcher(id).matches()) {
                return Mono.error(RoomAccess.problem(HttpStatus.NOT_FOUND, "not_found", "no such audio (or expired)"));
            }
            return store.find(id)
                    .switchIfEmpty(Mono.error(() -> RoomAccess.problem(HttpStatus.NOT_FOUND, "not_found",
                            "no such audio (or expired)")))
                    .flatMap(dub -> dub.roomId().equals(claims.roomId())
                            ? Mono.just(ResponseEntity.ok().contentType(WAV)
                                    .cacheControl(CacheControl.maxAge(Duration.ofMinutes(10)).cachePrivate())
                                    .body(dub.wav()))
                            : Mono.error(RoomAccess.problem(HttpStatus.FORBIDDEN, "wrong_room",
                                    "the token is not for this audio's room")));
        });
    }
}

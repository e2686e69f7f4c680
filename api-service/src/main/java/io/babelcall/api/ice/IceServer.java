package io.babelcall.api.ice;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One RTCIceServer entry; TURN entries carry time-limited credentials. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceServer(
        @Schema(example = "[\"turn:turn.example.org:3478?transport=udp\"]") List<String> urls,
        @Schema(description = "TURN only: '{expiryEpochSeconds}:{participantId}'", example = "1767225600:3kq9xJd0aB1cD2eF")
        String username,
        @Schema(description = "TURN only: Base64(HMAC-SHA1(turn secret, username))") String credential) {
}

package io.babelcall.api.ice;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/ice-servers} and the {@code iceServers} member of a join. Shaped like an
 * RTCConfiguration, so a browser can pass it to {@code new RTCPeerConnection(...)} as it is.
 */
public record IceServers(
        List<IceServer> iceServers,
        @Schema(description = "Lifetime of the TURN credentials in seconds; fetch new ones before it ends")
        long ttlSeconds) {
}

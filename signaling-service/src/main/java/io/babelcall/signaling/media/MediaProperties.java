package io.babelcall.signaling.media;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The SFU ({@code babelcall.signaling.media.*}): the Janus nodes and their secrets. No node: rooms use the peer-to-peer
 * mesh as before. Every default is written in application.yml and docs/media.md.
 *
 * @param nodes           Janus nodes (id and WebSocket API URL on the backend network)
 * @param apiSecret       Janus's {@code api_secret} (from a secret, never from the image)
 * @param adminKey        the VideoRoom plugin's {@code admin_key} (room creation and RTP forwarding)
 * @param requestTimeout  how long a Janus request may take
 * @param keepAlive       interval of the session keep-alive, which is also the node's liveness check
 * @param keepAliveTimeout a keep-alive not answered this long loses the node (its participants restart elsewhere)
 * @param maxPublishers   publishers per room (the largest call)
 * @param reconnectDelay  between attempts to reach a node that is down
 * @param iceTimeout      a publishing PeerConnection not up this long after its answer is torn down on the SFU
 * @param statsInterval   how often each node's rooms and publishers are read for the metrics
 * @param emptyRoomGrace  a VideoRoom seen empty this long (in the stats polls) is destroyed: rooms whose release was
 *                        lost (a replica died mid-release, a node was cut off); zero turns this off
 */
@Validated
@ConfigurationProperties("babelcall.signaling.media")
public record MediaProperties(
        @Valid @NotNull List<Node> nodes,
        String apiSecret,
        String adminKey,
        @NotNull Duration requestTimeout,
        @NotNull Duration keepAlive,
        @NotNull Duration keepAliveTimeout,
        @Min(2) @Max(100) int maxPublishers,
        @NotNull Duration reconnectDelay,
        @NotNull Duration iceTimeout,
        @NotNull Duration statsInterval,
        @NotNull Duration emptyRoomGrace) {

    /** One Janus node. */
    public record Node(@NotBlank String id, @NotNull URI url) {
    }

    public boolean enabled() {
        return !nodes.isEmpty();
    }
}

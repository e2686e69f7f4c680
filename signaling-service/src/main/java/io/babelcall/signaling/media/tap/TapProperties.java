package io.babelcall.signaling.media.tap;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The speech tap's signaling side ({@code babelcall.signaling.media.tap.*}): each SFU publisher's audio is forwarded
 * by Janus to an orchestrator replica, which transcribes it. Only used when SFU nodes are configured. Every default is
 * written in application.yml and docs/media.md.
 *
 * @param enabled        forward publishers' audio at all (off: SFU rooms get no captions unless clients stream
 *                       {@code /ws/audio} themselves)
 * @param payloadType    RTP payload type Janus rewrites the forwarded Opus packets to (and the mapping announces)
 * @param mappingTtl     lifetime of an SSRC mapping in Redis; a replica that dies leaves none behind for longer
 * @param mappingRefresh how often live mappings get their TTL renewed
 * @param replicaCheck   how often the endpoints of the replicas in use are checked (a gone one's taps move)
 * @param retryDelay     between attempts to start a forward that could not start (no replica, Janus refused)
 */
@Validated
@ConfigurationProperties("babelcall.signaling.media.tap")
public record TapProperties(
        boolean enabled,
        @Min(0) @Max(127) int payloadType,
        @NotNull Duration mappingTtl,
        @NotNull Duration mappingRefresh,
        @NotNull Duration replicaCheck,
        @NotNull Duration retryDelay) {

    @AssertTrue(message = "mapping-refresh must be at most a third of mapping-ttl, so one lost refresh loses nothing")
    public boolean isRefreshOftenEnough() {
        return mappingTtl == null || mappingRefresh == null
                || mappingRefresh.multipliedBy(3).compareTo(mappingTtl) <= 0;
    }
}

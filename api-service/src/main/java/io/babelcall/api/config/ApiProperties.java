package io.babelcall.api.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code babelcall.api.*}: public URLs handed to browsers, room lifetime and capacity ({@code maxParticipants}: 16 for
 * browser-mesh calls, up to 50 when calls go through the SFU), request limits. Every default lives in
 * {@code application.yml}, commented.
 */
@Validated
@ConfigurationProperties("babelcall.api")
public record ApiProperties(
        @NotBlank String publicBaseUrl,
        @NotBlank String signalingUrl,
        @NotBlank String audioUrl,
        @NotBlank String orchestratorUrl,
        @NotBlank String orchestratorInternalUrl,
        @NotNull Duration roomTtl,
        @NotNull Duration unconnectedSeatTtl,
        @Min(2) @Max(50) int maxParticipants,
        @Min(2) @Max(50) int defaultMaxParticipants,
        @NotNull DataSize maxBodySize,
        @Valid @NotNull Languages languages,
        @Valid @NotNull RateLimit rateLimit,
        @PositiveOrZero int trustedProxies) {

    /** Cache and time limit of the orchestrator's capabilities behind {@code GET /api/v1/languages}. */
    public record Languages(@NotNull Duration cacheTtl, @NotNull Duration timeout) {
    }

    /**
     * Token buckets (refill per minute, capacity), all on or off with {@code enabled}: room creation per client
     * address ({@code roomsPerMinute}, {@code burst}); joins per client address ({@code joinsPerMinute},
     * {@code joinBurst}) and per room over all addresses ({@code roomJoinsPerMinute}, {@code roomJoinBurst}).
     */
    public record RateLimit(boolean enabled,
                            @Positive double roomsPerMinute, @Positive int burst,
                            @Positive double joinsPerMinute, @Positive int joinBurst,
                            @Positive double roomJoinsPerMinute, @Positive int roomJoinBurst) {
    }

    /** The default capacity must be one a room may have. */
    @AssertTrue(message = "default-max-participants must not exceed max-participants")
    public boolean isDefaultWithinMax() {
        return defaultMaxParticipants <= maxParticipants;
    }

    /** The page URL of a room, which is also the link people share. */
    public String joinUrl(String roomId) {
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        return base + "/r/" + roomId;
    }
}

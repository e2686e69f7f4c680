package io.babelcall.signaling.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything tunable in signaling ({@code babelcall.signaling.*}); every default is also written, with a comment, in
 * {@code application.yml} and {@code docs/signaling.md}.
 */
@Validated
@ConfigurationProperties("babelcall.signaling")
public record SignalingProperties(
        @NotEmpty List<String> allowedOrigins,
        @Min(1024) int maxMessageBytes,
        @Min(1) int maxSockets,
        @Min(0) int frameWorkers,
        @Valid @NotNull RateLimit rateLimit,
        @NotNull Duration reconnectGrace,
        @Valid @NotNull Heartbeat heartbeat,
        @Valid @NotNull Presence presence,
        @Valid @NotNull Send send,
        @NotNull Duration roomTtl,
        @NotNull Duration roomTtlRefresh,
        @NotNull Duration captionStaleAfter,
        String replicaId) {

    public SignalingProperties {
        if (frameWorkers == 0) {
            frameWorkers = 2 * Runtime.getRuntime().availableProcessors();
        }
        if (replicaId == null || replicaId.isBlank()) {
            // A fresh id per process: a restarted replica must never inherit the presence of its predecessor.
            replicaId = UUID.randomUUID().toString();
        }
    }

    /** Token bucket per session: {@code perSecond} sustained, {@code burst} at once. */
    public record RateLimit(@Min(1) int perSecond, @Min(1) int burst) {
    }

    /** Server WebSocket pings every {@code interval}; a session silent for {@code timeout} is closed (4001). */
    public record Heartbeat(@NotNull Duration interval, @NotNull Duration timeout) {
    }

    /**
     * Replica liveness in Redis: the replica key lives {@code replicaTtl}, refreshed every {@code refreshInterval};
     * every replica sweeps dead replicas' participants every {@code sweepInterval}.
     */
    public record Presence(@NotNull Duration replicaTtl, @NotNull Duration refreshInterval,
                           @NotNull Duration sweepInterval) {
    }

    /**
     * Bounded per-session send: more than {@code bufferChars} queued (UTF-16 chars of the messages written but not yet
     * on the wire) or a send stuck for {@code timeLimit} closes it. While the whole replica has more than
     * {@code replicaBufferChars} queued, any socket with more than {@code fairShareChars} of it is closed the same way:
     * the queued frames are in Netty's direct memory, and a few sockets that do not read must not exhaust it for all.
     */
    public record Send(@Min(1024) int bufferChars, @NotNull Duration timeLimit, @Min(1024) long replicaBufferChars,
                       @Min(1024) int fairShareChars) {
    }

    /** The defaults of application.yml, for tests that build the handler without Spring (a test checks they agree). */
    public static SignalingProperties defaults() {
        return new SignalingProperties(List.of("http://localhost:8080", "http://127.0.0.1:8080"), 65536, 20000, 0,
                new RateLimit(50, 100), Duration.ofSeconds(15),
                new Heartbeat(Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new Presence(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(5)),
                new Send(1 << 20, Duration.ofSeconds(10), 8L << 20, 64 << 10), Duration.ofHours(24), Duration.ofMinutes(1),
                Duration.ofSeconds(10), null);
    }
}

package io.babelcall.pipeline.tap;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The RTP speech tap ({@code babelcall.tap.*}): where forwarded RTP is received and how each stream is buffered and
 * ended. Defaults in application.yml; reference in docs/media.md.
 */
@Validated
@ConfigurationProperties("babelcall.tap")
public record TapProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("127.0.0.1") @NotBlank String bindAddress,
        @DefaultValue("5004") @Min(0) @Max(65535) int port,
        @DefaultValue("") String advertisedHost,
        @DefaultValue("") String replicaId,
        @DefaultValue("1048576") @Min(65536) @Max(67108864) int receiveBufferBytes,
        @DefaultValue("80ms") @NotNull Duration jitterWindow,
        @DefaultValue("5s") @NotNull Duration idleTimeout,
        @DefaultValue("1s") @NotNull Duration unknownSsrcRetry,
        @DefaultValue("1s") @NotNull Duration mappingCheckInterval,
        @DefaultValue("500ms") @NotNull Duration heartbeatInterval,
        @DefaultValue("1500ms") @NotNull Duration heartbeatTtl,
        @DefaultValue("2s") @NotNull Duration shutdownDrain) {

    public TapProperties {
        between(jitterWindow, Duration.ofMillis(20), Duration.ofMillis(500), "jitter-window");
        between(idleTimeout, Duration.ofSeconds(1), Duration.ofMinutes(10), "idle-timeout");
        between(unknownSsrcRetry, Duration.ofMillis(100), Duration.ofMinutes(1), "unknown-ssrc-retry");
        between(mappingCheckInterval, Duration.ofMillis(100), Duration.ofMinutes(1), "mapping-check-interval");
        between(heartbeatInterval, Duration.ofMillis(100), Duration.ofSeconds(30), "heartbeat-interval");
        between(shutdownDrain, Duration.ZERO, Duration.ofMinutes(1), "shutdown-drain");
        if (heartbeatTtl != null && heartbeatInterval != null
                && heartbeatTtl.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            // one lost or late heartbeat must not make a live replica look dead
            throw new IllegalArgumentException("babelcall.tap.heartbeat-ttl must be at least twice heartbeat-interval");
        }
        if (enabled && bindAddress != null && (advertisedHost == null || advertisedHost.isBlank())
                && wildcard(bindAddress)) {
            throw new IllegalArgumentException("babelcall.tap.advertised-host is required when bind-address is a "
                    + "wildcard (" + bindAddress + "): signaling needs an address Janus can reach");
        }
    }

    /** The host signaling tells Janus to send to: advertised-host, else the bind address. */
    public String endpointHost() {
        return advertisedHost == null || advertisedHost.isBlank() ? bindInetAddress().getHostAddress() : advertisedHost;
    }

    /** The address to bind: {@code bind-address}, or this host's own address in it when it is a subnet. */
    public InetAddress bindInetAddress() {
        if (SubnetAddress.isSubnet(bindAddress)) {
            return SubnetAddress.local(bindAddress);
        }
        try {
            return InetAddress.getByName(bindAddress);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("babelcall.tap.bind-address is not an address: " + bindAddress);
        }
    }

    private static boolean wildcard(String address) {
        if (SubnetAddress.isSubnet(address)) {
            return false; // resolved to one of this host's addresses at start
        }
        try {
            return InetAddress.getByName(address).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("babelcall.tap.bind-address is not an address: " + address);
        }
    }

    private static void between(Duration d, Duration min, Duration max, String name) {
        if (d != null && (d.compareTo(min) < 0 || d.compareTo(max) > 0)) {
            throw new IllegalArgumentException("babelcall.tap." + name + " must be between " + min + " and " + max);
        }
    }
}

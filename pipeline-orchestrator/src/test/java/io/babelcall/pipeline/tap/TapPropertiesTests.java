package io.babelcall.pipeline.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TapPropertiesTests {

    private static TapProperties props(String bind, String advertised, Duration heartbeat, Duration ttl) {
        return new TapProperties(true, bind, 5004, advertised, "", 1 << 20, Duration.ofMillis(80),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1), heartbeat, ttl,
                Duration.ofSeconds(2));
    }

    @Test
    void theAdvertisedHostDefaultsToTheBindAddressAndIsRequiredForAWildcard() {
        Duration hb = Duration.ofMillis(500);
        Duration ttl = Duration.ofMillis(1500);
        assertThat(props("127.0.0.1", "", hb, ttl).endpointHost()).isEqualTo("127.0.0.1");
        assertThat(props("0.0.0.0", "10.0.1.7", hb, ttl).endpointHost()).isEqualTo("10.0.1.7");
        assertThatThrownBy(() -> props("0.0.0.0", "", hb, ttl)).hasMessageContaining("advertised-host");
        assertThatThrownBy(() -> props("::", "", hb, ttl)).hasMessageContaining("advertised-host");
    }

    @Test
    void aSubnetBindAddressIsThisHostsOwnAddressInIt() {
        Duration hb = Duration.ofMillis(500);
        Duration ttl = Duration.ofMillis(1500);
        // every host has loopback: 127.0.0.0/8 stands for 127.0.0.1 here, as 10.20.0.0/16 does for a Swarm replica
        TapProperties loopback = props("127.0.0.0/8", "", hb, ttl);
        assertThat(loopback.bindInetAddress().isLoopbackAddress()).isTrue();
        assertThat(loopback.endpointHost()).startsWith("127.");
        assertThatThrownBy(() -> props("239.255.255.0/24", "", hb, ttl).bindInetAddress())
                .hasMessageContaining("no address in 239.255.255.0/24"); // multicast: never a host address
        assertThatThrownBy(() -> props("127.0.0.0/99", "", hb, ttl).bindInetAddress())
                .hasMessageContaining("prefix length");
    }

    @Test
    void aHeartbeatTtlOfLessThanTwoIntervalsIsRefused() {
        assertThatThrownBy(() -> props("127.0.0.1", "", Duration.ofMillis(500), Duration.ofMillis(900)))
                .hasMessageContaining("heartbeat-ttl");
    }
}

package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.api.web.ClientAddressResolver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.util.unit.DataSize;

class ClientAddressResolverTests {

    @Test
    void withoutTrustedProxiesTheForwardedHeaderIsIgnored() {
        ClientAddressResolver resolver = resolver(0);
        assertThat(resolver.resolve(request("198.51.100.9", "203.0.113.1"))).isEqualTo("198.51.100.9");
    }

    @Test
    void withOneTrustedProxyTheRightmostEntryCounts() {
        ClientAddressResolver resolver = resolver(1);
        assertThat(resolver.resolve(request("10.0.0.2", "203.0.113.1"))).isEqualTo("203.0.113.1");
        // The client may prepend anything; only what the proxy appended is used.
        assertThat(resolver.resolve(request("10.0.0.2", "1.2.3.4, 203.0.113.1"))).isEqualTo("203.0.113.1");
        // No header: the peer address.
        assertThat(resolver.resolve(request("10.0.0.2", null))).isEqualTo("10.0.0.2");
    }

    @Test
    void withTwoTrustedProxiesTheSecondFromTheRightCounts() {
        assertThat(resolver(2).resolve(request("10.0.0.2", "6.6.6.6, 203.0.113.1, 10.0.0.9")))
                .isEqualTo("203.0.113.1");
    }

    @Test
    void ipv6ClientsShareTheirSlash64AndJunkIsOneBucket() {
        ClientAddressResolver resolver = resolver(1);
        assertThat(resolver.resolve(request("10.0.0.2", "2001:db8:1:2:aaaa:bbbb:cccc:dddd")))
                .isEqualTo(resolver.resolve(request("10.0.0.2", "[2001:db8:1:2::1]")))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(resolver.resolve(request("10.0.0.2", "evil.example.org"))).isEqualTo("invalid");
        assertThat(resolver.resolve(request("10.0.0.2", "999.1.1.1"))).isEqualTo("invalid");
        assertThat(resolver.resolve(request("10.0.0.2", "203.0.113.1:5555"))).isEqualTo("203.0.113.1");
    }

    /** Any process on the host can use any 127.x address: loopback is one client, IPv4 or IPv6. */
    @Test
    void loopbackAddressesAreOneClient() {
        ClientAddressResolver direct = resolver(0);
        for (String peer : List.of("127.0.0.1", "127.0.0.2", "127.255.3.9", "::1")) {
            assertThat(direct.resolve(request(peer, null))).as(peer).isEqualTo("loopback");
        }
        ClientAddressResolver proxied = resolver(1);
        for (String forwarded : List.of("127.0.0.7", "127.1.2.3:4000", "[::1]", "::ffff:127.0.0.9")) {
            assertThat(proxied.resolve(request("10.0.0.2", forwarded))).as(forwarded).isEqualTo("loopback");
        }
    }

    /** Private and carrier-grade NAT addresses are distinct machines of a LAN: one address each, like public ones. */
    @Test
    void privateAndMappedIpv4AddressesCountPerAddress() {
        ClientAddressResolver resolver = resolver(1);
        assertThat(resolver.resolve(request("10.0.0.2", "192.168.1.20"))).isEqualTo("192.168.1.20");
        assertThat(resolver.resolve(request("10.0.0.2", "100.64.0.9"))).isEqualTo("100.64.0.9");
        assertThat(resolver.resolve(request("10.0.0.2", "::ffff:203.0.113.5"))).isEqualTo("203.0.113.5");
    }

    private static MockServerHttpRequest request(String peer, String forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> builder = MockServerHttpRequest.post("/api/v1/rooms")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        if (forwardedFor != null) {
            builder.header("X-Forwarded-For", forwardedFor);
        }
        return builder.build();
    }

    private static ClientAddressResolver resolver(int trustedProxies) {
        return new ClientAddressResolver(new ApiProperties("http://localhost:8080", "ws://s", "ws://a", "http://o",
                "http://o", Duration.ofHours(24), Duration.ofMinutes(2), 16, 8, DataSize.ofKilobytes(16),
                new ApiProperties.Languages(Duration.ofSeconds(30), Duration.ofSeconds(3)),
                new ApiProperties.RateLimit(true, 10, 5, 20, 10, 30, 20), trustedProxies));
    }
}

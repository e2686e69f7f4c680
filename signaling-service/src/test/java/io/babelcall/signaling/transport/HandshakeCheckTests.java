package io.babelcall.signaling.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which page origins may open a socket (the token and participant checks are covered over the wire). */
class HandshakeCheckTests {

    final HandshakeCheck check = new HandshakeCheck(null, null, null,
            List.of("http://localhost:8080", "HTTPS://Call.Example.org/"));

    @Test
    void configuredOriginsPassCaseInsensitivelyAndWithoutTheirTrailingSlash() {
        assertThat(check.originAllowed("http://localhost:8080", "signaling:8081")).isTrue();
        assertThat(check.originAllowed("https://call.example.org", "signaling:8081")).isTrue();
        assertThat(check.originAllowed("https://call.example.org/", "signaling:8081")).isTrue();
        assertThat(check.originAllowed("http://call.example.org", "signaling:8081")).as("scheme differs").isFalse();
        assertThat(check.originAllowed("http://localhost:8081", "signaling:8081")).as("port differs").isFalse();
    }

    @Test
    void aPageOfTheHostItConnectsToIsItsOwnOrigin() {
        assertThat(check.originAllowed("https://meet.example.net", "meet.example.net")).isTrue();
        assertThat(check.originAllowed("https://meet.example.net", "meet.example.net:443")).isTrue();
        assertThat(check.originAllowed("http://meet.example.net:8081", "MEET.example.net:8081")).isTrue();
        assertThat(check.originAllowed("https://meet.example.net", "meet.example.net:8443")).isFalse();
        assertThat(check.originAllowed("https://evil.example", "meet.example.net")).isFalse();
        assertThat(check.originAllowed("https://meet.example.net.evil.example", "meet.example.net")).isFalse();
        assertThat(check.originAllowed("https://meet.example.net", null)).isFalse();
    }

    @Test
    void originsThatDoNotParseOrAreNotWebPagesAreRefused() {
        for (String origin : List.of("http://localhost:8080.evil.example", "http://[::1", "http://a b",
                "http://localhost:99999999999", "::::", "null", "file:///etc/passwd", "ws://localhost:8080", "")) {
            assertThat(check.originAllowed(origin, "localhost:8080")).as(origin).isFalse();
        }
    }

    @Test
    void aStarAllowsAnyWebOrigin() {
        HandshakeCheck any = new HandshakeCheck(null, null, null, List.of("*"));
        assertThat(any.originAllowed("https://anywhere.example", "signaling:8081")).isTrue();
        assertThat(any.originAllowed("null", "signaling:8081")).isFalse();
    }
}

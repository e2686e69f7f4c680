package io.babelcall.pipeline.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.pipeline.support.PipelineTestBase;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP response of the orchestrator carries the security headers the api sends (nosniff above all: a transcript
 * or a problem body must never be sniffed into HTML), with a Content-Security-Policy that allows nothing, as the
 * orchestrator serves no page.
 */
class SecurityHeadersTests extends PipelineTestBase {

    @Test
    void successesErrorsActuatorAndRefusedHandshakesCarryTheSecurityHeaders() throws Exception {
        String room = rooms.newRoom();
        String token = rooms.join(room, "p1", "Ann", "en", "es", false);
        String dub = storedDub(room);

        assertSecurityHeaders(get("/api/v1/rooms/" + room + "/transcript?format=vtt", "Bearer " + token), 200);
        assertSecurityHeaders(get("/api/v1/rooms/" + room + "/transcript", "Bearer " + token), 200);
        assertSecurityHeaders(get(dub, "Bearer " + token), 200);
        assertSecurityHeaders(get("/api/v1/rooms/" + room + "/transcript", null), 401);
        assertSecurityHeaders(get("/api/v1/rooms/" + room + "/transcript?format=doc", "Bearer " + token), 400);
        assertSecurityHeaders(get("/no/such/path", null), 404);
        assertSecurityHeaders(get("/actuator/health/liveness", null), 200);
        assertSecurityHeaders(get("/ws/audio", null), 401); // the audio handshake refused before any upgrade
    }

    private static void assertSecurityHeaders(HttpResponse<?> response, int status) {
        assertThat(response.statusCode()).isEqualTo(status);
        HttpHeaders h = response.headers();
        assertThat(h.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(h.firstValue("Referrer-Policy")).hasValue("no-referrer");
        assertThat(h.firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(h.firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").contains("frame-ancestors 'none'"));
        assertThat(h.firstValue("Permissions-Policy")).hasValueSatisfying(p -> assertThat(p)
                .contains("camera=()").contains("microphone=()"));
    }
}

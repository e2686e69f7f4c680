package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Health, metrics, the OpenAPI document and the web page routes, in the shared context. */
class PlatformTests extends ApiTestSupport {

    @Test
    void readinessIncludesRedisAndIsUp() {
        web.get().uri("/actuator/health/readiness").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.redis.status").isEqualTo("UP");
        web.get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void prometheusExposesTheBabelcallMetrics() {
        String roomId = newRoom();
        join(roomId, "Ana");
        // a scrape with every test's request histograms is larger than WebTestClient's default 256 KB buffer
        String scrape = web.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(8 << 20)).build()
                .get().uri("/actuator/prometheus").accept(MediaType.TEXT_PLAIN).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(scrape)
                .containsPattern("(?m)^babelcall_rooms_opened_total\\{application=\"api-service\"} [1-9]")
                .containsPattern("(?m)^babelcall_participants_joined_total\\{application=\"api-service\"} [1-9]")
                .containsPattern("(?m)^babelcall_rate_limited_total\\{.*endpoint=\"create_room\".*} ")
                .contains("http_server_requests_seconds_bucket");
    }

    @Test
    void openApiDocumentListsEveryEndpoint() {
        web.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.openapi").value(v -> assertThat((String) v).startsWith("3."))
                .jsonPath("$.paths['/api/v1/rooms'].post.responses['201']").exists()
                .jsonPath("$.paths['/api/v1/rooms'].post.responses['429']").exists()
                .jsonPath("$.paths['/api/v1/rooms/{roomId}'].get.responses['404']").exists()
                .jsonPath("$.paths['/api/v1/rooms/{roomId}/participants'].post.responses['409']").exists()
                .jsonPath("$.paths['/api/v1/rooms/{roomId}/participants/{participantId}'].delete.responses['403']")
                .exists()
                .jsonPath("$.paths['/api/v1/ice-servers'].get.responses['401']").exists()
                .jsonPath("$.paths['/api/v1/languages'].get.responses['503']").exists()
                .jsonPath("$.components.securitySchemes.participantToken.scheme").isEqualTo("bearer");
        web.get().uri("/swagger-ui.html").exchange()
                .expectStatus().is3xxRedirection();
        web.get().uri("/webjars/swagger-ui/index.html").exchange()
                .expectStatus().isOk();
    }

    @Test
    void servesTheWebPageAtTheRootAndAtRoomUrlsWithSecurityHeaders() {
        for (String path : List.of("/", "/r/" + newRoom())) {
            String html = web.get().uri(path).exchange()
                    .expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                    .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                    .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                    .expectHeader().value("Permissions-Policy", v -> assertThat(v)
                            .contains("camera=(self)").contains("microphone=(self)"))
                    .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp)
                            .contains("script-src 'self'")
                            .contains("connect-src 'self' wss://signal.test.example wss://audio.test.example "
                                    + "https://orch.test.example")
                            .contains("media-src 'self' blob: https://orch.test.example")
                            .contains("frame-ancestors 'none'"))
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(html).containsIgnoringCase("<html");
        }
        web.get().uri("/r/not..an..id").exchange().expectStatus().isNotFound();
    }
}

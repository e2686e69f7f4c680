package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** GET /api/v1/languages against a mock orchestrator: the exact request it makes, and the derived answer. */
class LanguagesApiTests extends ApiTestSupport {

    static final String CAPABILITIES = """
            {"recognition":["en-US","es"],
             "translation":[{"source":"en","target":"es"},{"source":"en","target":"ca"},{"source":"es","target":"en"}],
             "synthesis":["en","es","vi"]}""";

    @Test
    void derivesTheLanguagesFromTheOrchestratorAndCachesThem() throws Exception {
        int before = ORCHESTRATOR.getRequestCount();
        ORCHESTRATOR.enqueue(new MockResponse.Builder().code(200)
                .addHeader("Content-Type", "application/json").body(CAPABILITIES).build());

        web.get().uri("/api/v1/languages").header("X-Request-Id", "lang-req.1").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Request-Id", "lang-req.1")
                .expectBody()
                .jsonPath("$.stale").isEqualTo(false)
                .jsonPath("$.spoken.length()").isEqualTo(2)
                .jsonPath("$.spoken[0].code").isEqualTo("en-US")
                .jsonPath("$.spoken[0].name").isEqualTo("English (United States)")
                .jsonPath("$.spoken[0].captions").isEqualTo(java.util.List.of("en-US", "ca", "es"))
                .jsonPath("$.spoken[1].code").isEqualTo("es")
                .jsonPath("$.spoken[1].captions").isEqualTo(java.util.List.of("es", "en"))
                .jsonPath("$.captions[*].code").isEqualTo(java.util.List.of("ca", "en", "en-US", "es"))
                .jsonPath("$.captions[0].name").isEqualTo("Catalan")
                .jsonPath("$.captions[0].from").isEqualTo(java.util.List.of("en-US"))
                .jsonPath("$.captions[0].dubbing").isEqualTo(false)
                .jsonPath("$.captions[3].from").isEqualTo(java.util.List.of("en-US", "es"))
                .jsonPath("$.captions[3].dubbing").isEqualTo(true)
                .jsonPath("$.dubbing[*].code").isEqualTo(java.util.List.of("en", "en-US", "es"));

        RecordedRequest request = ORCHESTRATOR.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).isNotNull();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getTarget()).isEqualTo("/api/v1/engines/capabilities");
        assertThat(request.getHeaders().get("Accept")).contains("application/json");
        // the page's request and this call are one trace (W3C trace context)
        assertThat(request.getHeaders().get("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        // and the page's request id goes on to the orchestrator, which logs and echoes it
        assertThat(request.getHeaders().get("X-Request-Id")).isEqualTo("lang-req.1");

        // Within the cache TTL (30 s) the orchestrator is not asked again.
        web.get().uri("/api/v1/languages").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.spoken[0].code").isEqualTo("en-US");
        assertThat(ORCHESTRATOR.getRequestCount()).isEqualTo(before + 1);
    }
}

package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.api.config.ApiProperties;
import io.babelcall.api.language.CapabilitiesClient;
import io.babelcall.api.language.LanguageCatalog;
import io.babelcall.api.language.LanguageConfiguration;
import io.babelcall.api.language.Languages;
import io.babelcall.api.language.LanguagesUnavailableException;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** The cache of the languages answer: fresh, cached, stale on failure, 503 with nothing cached. No Spring context. */
class LanguageCatalogTests {

    private MockWebServer orchestrator;
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        orchestrator = new MockWebServer();
        orchestrator.start();
    }

    @AfterEach
    void stop() {
        orchestrator.close();
    }

    @Test
    void servesCachedThenStaleWhenTheOrchestratorFails() throws Exception {
        LanguageCatalog catalog = catalog("http://" + orchestrator.getHostName() + ":" + orchestrator.getPort(),
                Duration.ofSeconds(10));
        orchestrator.enqueue(json(LanguagesApiTests.CAPABILITIES));

        Languages first = catalog.languages().block();
        assertThat(first.stale()).isFalse();
        assertThat(first.spoken()).hasSize(2);
        assertThat(orchestrator.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/api/v1/engines/capabilities");

        clock.advance(Duration.ofSeconds(29));
        assertThat(catalog.languages().block()).isSameAs(first);
        assertThat(orchestrator.getRequestCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        orchestrator.enqueue(new MockResponse.Builder().code(500).body("boom").build());
        Languages stale = catalog.languages().block();
        assertThat(stale.stale()).isTrue();
        assertThat(stale.spoken()).isEqualTo(first.spoken());
        assertThat(orchestrator.getRequestCount()).isEqualTo(2);

        // After a failure the next attempt waits another TTL instead of slowing every request.
        assertThat(catalog.languages().block().stale()).isTrue();
        assertThat(orchestrator.getRequestCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(31));
        orchestrator.enqueue(json("{\"recognition\":[\"vi\"],\"translation\":[],\"synthesis\":[]}"));
        Languages recovered = catalog.languages().block();
        assertThat(recovered.stale()).isFalse();
        assertThat(recovered.spoken()).extracting(s -> s.code().value()).containsExactly("vi");
    }

    @Test
    void unreachableOrchestratorWithNothingCachedIs503() throws Exception {
        int closedPort = RedisServerExtension.freePort();
        LanguageCatalog catalog = catalog("http://127.0.0.1:" + closedPort, Duration.ofSeconds(10));
        assertThatThrownBy(() -> catalog.languages().block())
                .isInstanceOf(LanguagesUnavailableException.class)
                .satisfies(e -> assertThat(((LanguagesUnavailableException) e).getStatusCode().value()).isEqualTo(503));
    }

    @Test
    void slowOrchestratorTimesOut() {
        LanguageCatalog catalog = catalog("http://" + orchestrator.getHostName() + ":" + orchestrator.getPort(),
                Duration.ofSeconds(1));
        orchestrator.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body(LanguagesApiTests.CAPABILITIES).headersDelay(15, TimeUnit.SECONDS).build());
        long start = System.nanoTime();
        assertThatThrownBy(() -> catalog.languages().block()).isInstanceOf(LanguagesUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    private LanguageCatalog catalog(String url, Duration timeout) {
        ApiProperties properties = new ApiProperties("http://localhost:8080", "ws://s", "ws://a", "http://o", url,
                Duration.ofHours(24), Duration.ofMinutes(2), 16, 8, DataSize.ofKilobytes(16),
                new ApiProperties.Languages(Duration.ofSeconds(30), timeout),
                new ApiProperties.RateLimit(true, 10, 5, 20, 10, 30, 20), 0);
        LanguageConfiguration configuration = new LanguageConfiguration();
        CapabilitiesClient client = configuration.capabilitiesClient(properties, JsonMapper.builder().build(),
                new StaticListableBeanFactory().getBeanProvider(ObservationRegistry.class));
        return configuration.languageCatalog(client, properties, clock);
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

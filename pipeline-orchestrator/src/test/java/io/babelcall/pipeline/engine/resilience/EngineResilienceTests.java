package io.babelcall.pipeline.engine.resilience;

import static io.babelcall.pipeline.engine.remote.Http.error;
import static io.babelcall.pipeline.engine.remote.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.health.EnginesHealthIndicator;
import io.babelcall.pipeline.engine.registry.DefaultEngineRouter;
import io.babelcall.pipeline.engine.registry.EngineRegistry;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.Recording;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineConfigurationException;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.stt.original.OriginalSttFactory;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.translation.vinai.VinaiFactory;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * resilience4j through the router, against remote engines on a MockWebServer whose behaviour the test switches:
 * stall -> time-outs -> breaker opens -> short-circuit (no request) -> server back -> half-open -> closed; retries of
 * transient MT failures only; bulkhead; STT breaker refusing sessions and utterances; metrics and health.
 */
class EngineResilienceTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode VI = LanguageCode.of("vi");

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    MeterRegistry meters = new SimpleMeterRegistry();
    EngineResilience resilience = new EngineResilience(meters);
    AtomicReference<String> mode = new AtomicReference<>("ok");
    java.util.concurrent.atomic.AtomicInteger dispatched = new java.util.concurrent.atomic.AtomicInteger();
    EngineRegistry registry;
    EngineRouter router;

    static final Map<String, String> FAST = Map.of("sliding-window-size", "4", "minimum-number-of-calls", "2",
            "wait-duration-in-open-state", "1s", "permitted-calls-in-half-open-state", "2",
            "retry-wait-duration", "20ms", "failure-rate-threshold", "60");

    @BeforeEach
    void start() throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                dispatched.incrementAndGet();
                return switch (mode.get()) {
                    case "stall" -> Http.stalled(Duration.ofSeconds(3), "{\"text\":\"late\"}");
                    case "503-once" -> {
                        mode.set("ok");
                        yield json(503, "{\"detail\":\"restarting\"}");
                    }
                    case "400" -> json(400, "{\"detail\":\"bad\"}");
                    case "500" -> json(500, "{\"detail\":\"boom\"}");
                    default -> request.getTarget().startsWith("/api/v1/")
                            ? json(200, "{\"participant_id\":\"p1\",\"text\":\"xin chào\",\"is_final\":true}")
                            : json(200, "{\"text\":\"Xin chào.\",\"cached\":false,\"latency_ms\":3}");
                };
            }
        });
        server.start();
        Map<String, EnginesProperties.Instance> instances = new LinkedHashMap<>();
        instances.put("vinai", new EnginesProperties.Instance("vinai", true, false, Duration.ofMillis(800),
                Map.of("url", server.url("/").toString()), FAST));
        instances.put("stt", new EnginesProperties.Instance("original-stt", true, false, Duration.ofMillis(300),
                Map.of("url", server.url("/").toString(), "languages", "vi"), FAST));
        EnginesProperties.Routes routes = new EnginesProperties.Routes(
                List.of(new EnginesProperties.LanguageRoute(List.of("vi"), "stt")),
                List.of(new EnginesProperties.PairRoute(List.of("en<->vi"), "vinai")),
                List.of());
        // warm the HTTP client up (class loading, first connection) so no time limit below is spent on it
        RemoteEngines warm = RemoteEngines.withDefaults(Http.JSON);
        warm.webClient(new RemoteEngines.Endpoint("warm", server.url("/").toString().replaceAll("/$", ""), null,
                        "Authorization", Duration.ofSeconds(2), 4096, Duration.ofSeconds(5)))
                .get().uri("/health").retrieve().toBodilessEntity().block(Duration.ofSeconds(10));
        warm.close();
        dispatched.set(0);
        registry = EngineRegistry.create(properties(instances, routes, Map.of()), factories());
        router = new DefaultEngineRouter(registry, new EngineMetrics(meters), null, resilience);
    }

    @AfterEach
    void stop() {
        registry.close();
        server.close();
        remote.close();
    }

    List<EngineFactory<?>> factories() {
        return List.of(new VinaiFactory(remote), new OriginalSttFactory(remote));
    }

    static EnginesProperties properties(Map<String, EnginesProperties.Instance> instances,
                                        EnginesProperties.Routes routes, Map<String, String> sttDefaults) {
        return new EnginesProperties(instances, routes,
                new EnginesProperties.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                new EnginesProperties.Cache(false, Duration.ofDays(1), Duration.ofDays(1), Duration.ofMillis(200)),
                new EnginesProperties.Resilience(sttDefaults, Map.of(), Map.of()),
                new EnginesProperties.Http(8, Duration.ofSeconds(2), Duration.ofSeconds(30)));
    }

    CircuitBreaker breaker(String name) {
        return resilience.breaker(name).orElseThrow();
    }

    @Test
    void aStallingEngineTimesOutOpensTheBreakerIsShortCircuitedAndRecovers() {
        Translator mt = router.translatorFor(EN, VI).orElseThrow();
        EnginesHealthIndicator health = new EnginesHealthIndicator(registry, resilience);
        mode.set("stall");

        assertThat(error(mt.translate("Hello.", EN, VI))).isInstanceOf(EngineTimeoutException.class);
        assertThat(error(mt.translate("Hello again.", EN, VI))).isInstanceOf(EngineTimeoutException.class);
        assertThat(breaker("vinai").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int requests = dispatched.get();
        assertThat(requests).as("time-outs are not retried").isEqualTo(2);

        long t0 = System.nanoTime();
        Throwable shortCircuited = error(mt.translate("Hello once more.", EN, VI));
        assertThat(shortCircuited).isInstanceOf(EngineRejectedException.class).hasMessageContaining("circuit breaker open");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(100));
        assertThat(dispatched.get()).as("no request while open").isEqualTo(requests);
        Map<String, Object> details = engineDetails(health, "vinai");
        assertThat(details.get("status")).isEqualTo("DOWN");
        assertThat(details.get("circuitBreaker").toString()).contains("state=OPEN");

        mode.set("ok");
        Awaitility.await().atMost(Duration.ofSeconds(3))
                .until(() -> breaker("vinai").getState() == CircuitBreaker.State.HALF_OPEN);
        assertThat(mt.translate("Hello.", EN, VI).block(Duration.ofSeconds(5))).isEqualTo("Xin chào.");
        assertThat(mt.translate("Hello.", EN, VI).block(Duration.ofSeconds(5))).isEqualTo("Xin chào.");
        assertThat(breaker("vinai").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(engineDetails(health, "vinai").get("status")).isEqualTo("UP");

        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "vinai").tag("state", "closed")
                .gauge().value()).isEqualTo(1.0);
        assertThat(meters.find("resilience4j.circuitbreaker.not.permitted.calls").tag("name", "vinai").counter()
                .count()).isEqualTo(1.0);
        assertThat(meters.find("resilience4j.timelimiter.calls").tag("name", "vinai").tag("kind", "timeout")
                .counter().count()).isEqualTo(2.0);
    }

    @Test
    void transientFailuresAreRetriedWithBackoffClientErrorsAreNot() {
        Translator mt = router.translatorFor(EN, VI).orElseThrow();
        mode.set("503-once");
        assertThat(mt.translate("Hello.", EN, VI).block(Duration.ofSeconds(5))).isEqualTo("Xin chào.");
        assertThat(dispatched.get()).isEqualTo(2);
        mode.set("400");
        assertThat(error(mt.translate("Hello.", EN, VI))).hasMessageContaining("HTTP 400");
        assertThat(dispatched.get()).isEqualTo(3);
        assertThat(meters.find("resilience4j.retry.calls").tag("name", "vinai")
                .tag("kind", "successful_with_retry").functionCounter().count()).isEqualTo(1.0);
    }

    @Test
    void theBulkheadRejectsCallsOverTheLimitAtOnce() throws Exception {
        Map<String, String> one = new LinkedHashMap<>(FAST);
        one.put("max-concurrent-calls", "1");
        try (EngineRegistry r = EngineRegistry.create(properties(Map.of("vinai", new EnginesProperties.Instance(
                "vinai", true, false, Duration.ofSeconds(2), Map.of("url", server.url("/").toString()), one)),
                new EnginesProperties.Routes(List.of(), List.of(new EnginesProperties.PairRoute(List.of("en<->vi"),
                        "vinai")), List.of()), Map.of()), factories())) {
            Translator mt = new DefaultEngineRouter(r, new EngineMetrics(meters), null, new EngineResilience(null))
                    .translatorFor(EN, VI).orElseThrow();
            assertThat(mt.translate("Warm up.", EN, VI).block(Duration.ofSeconds(5))).isEqualTo("Xin chào.");
            dispatched.set(0);
            mode.set("stall");
            var first = mt.translate("One.", EN, VI).toFuture();
            Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> dispatched.get() == 1);
            assertThat(error(mt.translate("Two.", EN, VI))).isInstanceOf(EngineRejectedException.class)
                    .hasMessageContaining("limit of 1 concurrent calls");
            assertThat(first).failsWithin(Duration.ofSeconds(3));
            assertThat(dispatched.get()).as("the rejected call sent nothing").isEqualTo(1);
        }
    }

    @Test
    void anOpenSttBreakerRefusesNewSessionsAndAnswersUtterancesWithoutTheEngine() {
        SpeechRecognizer stt = router.recognizerFor(VI).orElseThrow();
        RecognitionRequest request = new RecognitionRequest("r", "p1", VI, 16000);
        Recording rec = new Recording();
        short[] pcm = new short[1600];
        mode.set("500");
        RecognitionSession s = stt.open(request, rec);
        for (int i = 1; i <= 2; i++) {
            s.accept(pcm, 0, pcm.length);
            s.endUtterance();
            assertThat(rec.await(i)).isInstanceOf(EngineException.class);
        }
        assertThat(breaker("stt").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int requests = dispatched.get();

        s.accept(pcm, 0, pcm.length);
        s.endUtterance();
        assertThat(rec.await(3)).isInstanceOf(EngineRejectedException.class);
        assertThat(dispatched.get()).isEqualTo(requests);
        assertThatThrownBy(() -> stt.open(request, new Recording())).isInstanceOf(EngineRejectedException.class);

        mode.set("ok");
        Awaitility.await().atMost(Duration.ofSeconds(3))
                .until(() -> breaker("stt").getState() == CircuitBreaker.State.HALF_OPEN);
        for (int i = 4; i <= 5; i++) {
            s.accept(pcm, 0, pcm.length);
            s.endUtterance();
            assertThat(rec.await(i)).isEqualTo("xin chào");
        }
        assertThat(breaker("stt").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        s.close();
    }

    @Test
    void badResilienceSettingsAreListedWithTheOtherErrors() {
        Map<String, EnginesProperties.Instance> instances = Map.of("stt", new EnginesProperties.Instance(
                "original-stt", true, false, null, Map.of("url", "http://stt:8000", "languages", "vi"),
                Map.of("max-attempts", "3", "failure-rate-thresold", "50")));
        assertThatThrownBy(() -> EngineRegistry.create(properties(instances, new EnginesProperties.Routes(
                List.of(), List.of(), List.of()), Map.of("wait-duration-in-open-state", "soon")), factories()))
                .isInstanceOfSatisfying(EngineConfigurationException.class, e -> {
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("babelcall.engines.resilience.stt.wait-duration-in-open-state"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.stt.resilience.max-attempts").contains("never retried"));
                    assertThat(e.errors()).anySatisfy(m -> assertThat(m)
                            .contains("instances.stt.resilience").contains("[failure-rate-thresold]"));
                    assertThat(e.errors()).hasSize(3);
                });
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> engineDetails(EnginesHealthIndicator health, String name) {
        return (Map<String, Object>) health.health().block(Duration.ofSeconds(5)).getDetails().get(name);
    }
}

package io.babelcall.pipeline.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.LiveServerTestBase;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.pipeline.tts.WavFile;
import io.babelcall.testsupport.RedisServerExtension;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The whole orchestrator (audio WebSocket, real Redis, real pocketsphinx / Apertium / espeak-ng) with a mixed engine
 * configuration whose remote servers are MockWebServers: STT vi -> the original STT service, en -> pocketsphinx;
 * MT en->es -> Apertium, vi<->en -> VinAI, anything else -> LibreTranslate; TTS vi -> Piper, others -> espeak-ng.
 * Routing of two speakers in one room, and a chaos run in which LibreTranslate stalls, its breaker opens and
 * short-circuits, and recovers, while the speaker's audio stream stays open and no event is published twice.
 */
@SpringBootTest(classes = RemoteEnginesPipelineTests.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + Rooms.SECRET,
        "babelcall.pipeline.interim-translation-interval=0s",
        "babelcall.pipeline.listener-cache-ttl=0s",
        "babelcall.engines.cache.enabled=false",
        "babelcall.engines.instances.sphinx.options.min-idle=1",
        // generous limits: this machine is shared, and pocketsphinx slows down under load
        "babelcall.engines.instances.sphinx.timeout=10s",
        "babelcall.pipeline.recognition-timeout=12s",
        "babelcall.engines.instances.apertium.options.modes=eng-spa",
        "babelcall.engines.instances.phowhisper.type=original-stt",
        "babelcall.engines.instances.phowhisper.options.languages=vi",
        "babelcall.engines.instances.vinai.type=vinai",
        "babelcall.engines.instances.lt.type=libretranslate",
        "babelcall.engines.instances.lt.timeout=400ms",
        "babelcall.engines.instances.lt.options.pairs=vi->fr,en->fr",
        "babelcall.engines.instances.lt.resilience.sliding-window-size=4",
        "babelcall.engines.instances.lt.resilience.minimum-number-of-calls=2",
        "babelcall.engines.instances.lt.resilience.failure-rate-threshold=60",
        "babelcall.engines.instances.lt.resilience.wait-duration-in-open-state=4s",
        "babelcall.engines.instances.lt.resilience.permitted-calls-in-half-open-state=2",
        "babelcall.engines.instances.piper.type=piper",
        "babelcall.engines.instances.piper.options.languages=vi",
        "babelcall.engines.routes.stt[0].languages=en",
        "babelcall.engines.routes.stt[0].engine=sphinx",
        "babelcall.engines.routes.stt[1].languages=vi",
        "babelcall.engines.routes.stt[1].engine=phowhisper",
        "babelcall.engines.routes.mt[0].pairs=en->es",
        "babelcall.engines.routes.mt[0].engine=apertium",
        "babelcall.engines.routes.mt[1].pairs=vi<->en",
        "babelcall.engines.routes.mt[1].engine=vinai",
        "babelcall.engines.routes.mt[2].pairs=*",
        "babelcall.engines.routes.mt[2].engine=lt",
        "babelcall.engines.routes.tts[0].languages=vi",
        "babelcall.engines.routes.tts[0].engine=piper",
        "babelcall.engines.routes.tts[1].languages=*",
        "babelcall.engines.routes.tts[1].engine=espeak"})
@AutoConfigureWebTestClient
class RemoteEnginesPipelineTests extends LiveServerTestBase {

    /**
     * The application as {@code PipelineApplication} declares it, minus the benchmark's fake-engine configuration in
     * {@code io.babelcall.pipeline.bench} (a plain {@code @Configuration} that component scanning would otherwise pick
     * up and that replaces every engine by fakes).
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @ConfigurationPropertiesScan(basePackageClasses = PipelineApplication.class)
    @ComponentScan(basePackageClasses = PipelineApplication.class, excludeFilters = {
            @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
            @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
            @ComponentScan.Filter(type = FilterType.REGEX, pattern = "io\\.babelcall\\.pipeline\\.bench\\..*")})
    static class App {
    }

    static final MockWebServer STT = new MockWebServer();
    static final MockWebServer VINAI = new MockWebServer();
    static final MockWebServer LT = new MockWebServer();
    static final MockWebServer PIPER = new MockWebServer();
    static final AtomicInteger utterances = new AtomicInteger();
    static final AtomicReference<String> ltMode = new AtomicReference<>("ok");
    static final List<JsonNode> sttBodies = new CopyOnWriteArrayList<>();
    static final List<JsonNode> vinaiBodies = new CopyOnWriteArrayList<>();
    static final List<JsonNode> piperBodies = new CopyOnWriteArrayList<>();
    static final AtomicInteger ltCalls = new AtomicInteger();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        STT.setDispatcher(dispatcher(r -> {
            if (r.getTarget().equals("/api/v1/transcribe-stream")) {
                JsonNode body = Http.body(r);
                sttBodies.add(body);
                return Http.json(200, "{\"participant_id\":\"" + body.path("participant_id").asString()
                        + "\",\"text\":\"xin chào lần " + utterances.incrementAndGet() + "\",\"language\":\"vi\","
                        + "\"confidence\":0.9,\"is_final\":true,\"timestamp\":\"2024-01-01T00:00:00Z\"}");
            }
            return Http.json(200, "{\"status\":\"ok\"}");
        }));
        VINAI.setDispatcher(dispatcher(r -> {
            JsonNode body = Http.body(r);
            vinaiBodies.add(body);
            return Http.json(200, body.path("direction").asString().equals("vi2en")
                    ? "{\"text\":\"Hello, time " + body.path("text").asString().replaceAll("\\D", "")
                    + ".\",\"cached\":false,\"latency_ms\":12}"
                    : "{\"text\":\"Thời tiết hôm nay đẹp.\",\"cached\":false,\"latency_ms\":15}");
        }));
        LT.setDispatcher(dispatcher(r -> {
            if (!r.getTarget().equals("/translate")) {
                return Http.json(200, "[]");
            }
            ltCalls.incrementAndGet();
            String q = Http.body(r).path("q").asString();
            return ltMode.get().equals("stall")
                    ? Http.stalled(Duration.ofSeconds(3), "{\"translatedText\":\"trop tard\"}")
                    : Http.json(200, "{\"translatedText\":\"Bonjour " + q.replaceAll("\\D", "") + ".\"}");
        }));
        PIPER.setDispatcher(dispatcher(r -> {
            piperBodies.add(Http.body(r));
            short[] pcm = Audio.voice(22050, 0.7);
            return Http.json(200, "{\"audio_base64\":\"" + Base64.getEncoder().encodeToString(
                    WavFile.pcm16Mono(pcm, 0, pcm.length, 22050)) + "\",\"lang\":\"vi\",\"duration\":0.7}");
        }));
        for (MockWebServer s : List.of(STT, VINAI, LT, PIPER)) {
            s.start();
        }
        registry.add("babelcall.engines.instances.phowhisper.options.url", () -> STT.url("/").toString());
        registry.add("babelcall.engines.instances.vinai.options.url", () -> VINAI.url("/").toString());
        registry.add("babelcall.engines.instances.lt.options.url", () -> LT.url("/").toString());
        registry.add("babelcall.engines.instances.piper.options.url", () -> PIPER.url("/").toString());
    }

    interface Handler {
        MockResponse handle(RecordedRequest request);
    }

    static Dispatcher dispatcher(Handler handler) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handler.handle(request);
            }
        };
    }

    @AfterAll
    static void stopServers() {
        for (MockWebServer s : List.of(STT, VINAI, LT, PIPER)) {
            s.close();
        }
    }

    @Autowired
    WebTestClient web;
    @Autowired
    EngineResilience resilience;
    Rooms rooms;

    @BeforeEach
    void setUp() {
        rooms = new Rooms(redis, json, tokens);
    }

    /** Synthetic voice for the mocked STT server, ended by silence. */
    static short[] utterance() {
        return Audio.concat(Audio.silence(16000, 0.2), Audio.voice(16000, 0.8), Audio.silence(16000, 0.7));
    }

    @Test
    void mixedRoutingInOneRoomViaTheOriginalSttAndPocketsphinx(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        web.get().uri("/api/v1/engines/capabilities").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.recognition.length()").isEqualTo(2)
                .jsonPath("$.recognition[?(@=='vi')]").exists()
                .jsonPath("$.recognition[?(@=='en')]").exists()
                .jsonPath("$.translation[?(@.source=='en' && @.target=='es')]").exists()
                .jsonPath("$.translation[?(@.source=='vi' && @.target=='en')]").exists()
                .jsonPath("$.translation[?(@.source=='en' && @.target=='vi')]").exists()
                .jsonPath("$.translation[?(@.source=='vi' && @.target=='fr')]").exists()
                .jsonPath("$.synthesis[?(@=='vi')]").exists()
                .jsonPath("$.synthesis[?(@=='de')]").exists();

        String room = rooms.newRoom();
        String anh = rooms.join(room, "anh", "Anh", "vi", "vi", true);
        String bob = rooms.join(room, "bob", "Bob", "en", "en", false);
        rooms.join(room, "carla", "Carla", "es", "es", false);
        short[] english = Audio.concat(Audio.silence(16000, 0.3),
                Audio.flite("the weather is nice today", Files.createDirectories(dir)), Audio.silence(16000, 1.0));
        try (EventCollector events = new EventCollector(container, json, room);
             AudioClient a = AudioClient.connect(port, anh).start(16000);
             AudioClient b = AudioClient.connect(port, bob).start(16000)) {
            a.stream(utterance(), 16000, 20, 1.0);
            Transcript vi = events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("anh"),
                    Duration.ofSeconds(10));
            assertThat(vi.language().value()).isEqualTo("vi");
            assertThat(vi.text().toLowerCase(Locale.ROOT)).startsWith("xin chào lần");
            Translation toEn = events.await(Translation.class, t -> t.isFinal() && t.speaker().equals("anh")
                    && t.language().value().equals("en"), Duration.ofSeconds(10));
            assertThat(toEn.text()).startsWith("Hello, time ");

            b.stream(english, 16000, 20, 1.0);
            Transcript en = events.await(Transcript.class, t -> t.isFinal() && t.speaker().equals("bob")
                    && t.text().toLowerCase(Locale.ROOT).contains("weather"), Duration.ofSeconds(30));
            assertThat(en.language().value()).isEqualTo("en");
            assertThat(en.text().toLowerCase(Locale.ROOT)).contains("weather");
            Translation toEs = events.await(Translation.class, t -> t.speaker().equals("bob")
                    && t.utteranceId().equals(en.utteranceId()) && t.language().value().equals("es"),
                    Duration.ofSeconds(15));
            assertThat(toEs.text().toLowerCase(Locale.ROOT)).as("Apertium en->es").contains("tiempo");
            Translation toVi = events.await(Translation.class, t -> t.speaker().equals("bob")
                    && t.utteranceId().equals(en.utteranceId()) && t.language().value().equals("vi"),
                    Duration.ofSeconds(15));
            assertThat(toVi.text()).isEqualTo("Thời tiết hôm nay đẹp.");
            Dub dub = events.await(Dub.class, d -> d.speaker().equals("bob") && d.language().value().equals("vi"),
                    Duration.ofSeconds(15));
            assertThat(dub.durationMs()).isBetween(690L, 710L); // Piper's 0.7 s WAV
            assertThat(a.isOpen()).isTrue();
            assertThat(b.isOpen()).isTrue();
        }
        assertThat(sttBodies).anySatisfy(body -> {
            assertThat(body.path("participant_id").asString()).isEqualTo("anh");
            assertThat(body.path("language").asString()).isEqualTo("vi");
        });
        assertThat(sttBodies).noneSatisfy(body -> assertThat(body.path("participant_id").asString()).isEqualTo("bob"));
        assertThat(vinaiBodies).extracting(b -> b.path("direction").asString()).contains("vi2en", "en2vi");
        assertThat(piperBodies).anySatisfy(body -> {
            assertThat(body.path("lang").asString()).isEqualTo("vi");
            assertThat(body.path("text").asString()).isEqualTo("Thời tiết hôm nay đẹp.");
        });
    }

    @Test
    void aStallingTranslatorOpensItsBreakerWhileTheAudioStreamGoesOnAndNothingIsPublishedTwice() throws Exception {
        String room = rooms.newRoom();
        String anh = rooms.join(room, "anh2", "Anh", "vi", "vi", false);
        rooms.join(room, "didier", "Didier", "fr", "fr", false);
        CircuitBreaker breaker = resilience.breaker("lt").orElseThrow();
        ltMode.set("stall");
        int callsBefore = ltCalls.get();
        try (EventCollector events = new EventCollector(container, json, room);
             AudioClient a = AudioClient.connect(port, anh).start(16000)) {
            for (int i = 1; i <= 3; i++) {
                a.stream(utterance(), 16000, 20, 1.0);
                int n = i;
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.of(CaptionStatus.class).stream()
                        .filter(s -> s.state().equals(CaptionStatus.UNTRANSLATED)).count() >= n);
            }
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(ltCalls.get() - callsBefore).as("the third call was short-circuited").isEqualTo(2);
            assertThat(events.of(CaptionStatus.class)).filteredOn(s -> s.state().equals(CaptionStatus.UNTRANSLATED))
                    .anySatisfy(s -> assertThat(s.reason()).contains("circuit breaker open"))
                    .allSatisfy(s -> assertThat(s.language().value()).isEqualTo("fr"));
            assertThat(events.of(Transcript.class).stream().filter(Transcript::isFinal).count())
                    .as("captions go on untranslated").isEqualTo(3);

            web.get().uri("/actuator/health").exchange().expectBody()
                    .jsonPath("$.components.engines.status").isEqualTo("UP") // lt is optional
                    .jsonPath("$.components.engines.details.lt.status").isEqualTo("DOWN")
                    .jsonPath("$.components.engines.details.lt.circuitBreaker.state").isEqualTo("OPEN");

            ltMode.set("ok");
            Awaitility.await().atMost(Duration.ofSeconds(8))
                    .until(() -> breaker.getState() == CircuitBreaker.State.HALF_OPEN);
            for (int i = 1; i <= 2; i++) {
                a.stream(utterance(), 16000, 20, 1.0);
                int n = i;
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.of(Translation.class).stream()
                        .filter(t -> t.isFinal() && t.language().value().equals("fr")).count() >= n);
            }
            assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.of(CaptionStatus.class).stream()
                    .anyMatch(s -> s.state().equals(CaptionStatus.OK)));
            assertThat(a.isOpen()).as("the audio stream survived").isTrue();
            events.awaitSettled(Duration.ofMillis(300), Duration.ofSeconds(5)); // late duplicates would show below

            List<String> keys = new ArrayList<>();
            for (CaptionEvent e : events.events) {
                if (e instanceof Transcript t && t.isFinal()) {
                    keys.add("transcript:" + t.utteranceId());
                } else if (e instanceof Translation t && t.isFinal()) {
                    keys.add("translation:" + t.utteranceId() + ":" + t.language());
                }
            }
            assertThat(keys).doesNotHaveDuplicates();
            assertThat(keys.stream().filter(k -> k.startsWith("transcript:")).count()).isEqualTo(5);
            assertThat(keys.stream().filter(k -> k.startsWith("translation:")).count()).isEqualTo(2);
            Set<Long> seqs = new HashSet<>();
            events.events.forEach(e -> {
                if (e instanceof Transcript t) {
                    assertThat(seqs.add(t.seq())).isTrue();
                } else if (e instanceof Translation t) {
                    assertThat(seqs.add(t.seq())).isTrue();
                }
            });
        }
        String prometheus = web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus)
                .containsPattern("resilience4j_circuitbreaker_state\\{.*name=\"lt\".*state=\"closed\".*} 1")
                .containsPattern("resilience4j_circuitbreaker_not_permitted_calls_total\\{.*name=\"lt\"")
                .containsPattern("resilience4j_timelimiter_calls_total\\{.*kind=\"timeout\".*name=\"lt\"")
                .containsPattern("resilience4j_bulkhead_available_concurrent_calls\\{.*name=\"lt\"")
                .containsPattern("babelcall_engine_call_seconds_count\\{.*engine=\"lt\".*outcome=\"timeout\"");
        assertThat(LanguageCode.of("fr")).isNotNull();
    }
}

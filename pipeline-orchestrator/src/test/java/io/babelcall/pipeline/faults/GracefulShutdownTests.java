package io.babelcall.pipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.EventCollector;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import tools.jackson.databind.ObjectMapper;

/**
 * A rolling update of the orchestrator: its context is closed (what SIGTERM does) while a speaker's utterance is under
 * way on its audio socket. Readiness refuses traffic first, the socket is closed with 1012, and the utterance still
 * finishes - final, translation, dub, transcript entry - before the Redis connection factory stops. The test listens
 * on Redis with a client of its own, which outlives the orchestrator.
 */
@ExtendWith(RedisServerExtension.class)
class GracefulShutdownTests {

    private ConfigurableApplicationContext orchestrator;
    private LettuceConnectionFactory testRedis;
    private final List<String> timeline = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        ApplicationListener<AvailabilityChangeEvent<?>> readiness = e -> {
            if (e.getState() instanceof ReadinessState state) {
                timeline.add("readiness " + state);
            }
        };
        orchestrator = new SpringApplicationBuilder(PipelineApplication.class).listeners(readiness).run(
                "--server.port=0", "--babelcall.tap.port=0", "--babelcall.token.secret=" + Rooms.SECRET,
                "--spring.main.banner-mode=off", "--spring.lifecycle.timeout-per-shutdown-phase=5s",
                // generous engine limits: on a loaded machine the utterance must finish slowly, not fail
                "--babelcall.engines.timeouts.stt=15s", "--babelcall.pipeline.recognition-timeout=15s",
                "--babelcall.engines.timeouts.mt=15s", "--babelcall.pipeline.translation-timeout=15s",
                "--babelcall.engines.timeouts.tts=15s", "--babelcall.pipeline.synthesis-timeout=15s",
                "--babelcall.pipeline.shutdown-drain=45s");
        URI redis = URI.create(RedisServerExtension.redisUrl());
        testRedis = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
        testRedis.afterPropertiesSet();
        testRedis.start();
    }

    @AfterEach
    void stop() {
        orchestrator.close();
        testRedis.destroy();
    }

    @Test
    void anUtteranceUnderWayAtShutdownFinishesAfterItsSocketWasClosedWith1012() throws Exception {
        Path dir = Files.createTempDirectory("shutdown");
        short[] sentence = Audio.flite("I would like to order a cup of coffee please.", dir);
        int port = Integer.parseInt(orchestrator.getEnvironment().getRequiredProperty("local.server.port"));
        ObjectMapper json = orchestrator.getBean(ObjectMapper.class);
        ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(testRedis);
        Rooms rooms = new Rooms(redis, json, orchestrator.getBean(ParticipantTokens.class));
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", true);
        ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(testRedis);
        try (EventCollector events = new EventCollector(container, json, room);
             AudioClient client = AudioClient.connect(port, speaker).start(16000)) {
            var unused = client.closeCode.thenAccept(code -> timeline.add("close " + code));
            // The sentence without the silence after it: the utterance is still under way when the shutdown begins.
            client.stream(Audio.concat(Audio.silence(16000, 0.5), sentence), 16000, 20, 1.0);
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.of(Transcript.class).stream().anyMatch(t -> !t.isFinal()));
            assertThat(events.of(Transcript.class)).as("no final before the shutdown").noneMatch(Transcript::isFinal);

            CompletableFuture<Void> shutdown = CompletableFuture.runAsync(orchestrator::close);

            assertThat(client.awaitClose(Duration.ofSeconds(10))).as("close code").isEqualTo(1012);
            assertThat(client.texts).anyMatch(t -> t.contains("\"code\":\"shutdown\""));
            Transcript fin = events.finals(1, Duration.ofSeconds(30)).get(0);
            assertThat(fin.text()).containsIgnoringCase("coffee");
            events.await(Translation.class, t -> t.isFinal() && t.utteranceId().equals(fin.utteranceId())
                    && t.language().value().equals("es"), Duration.ofSeconds(30));
            events.await(Dub.class, d -> d.utteranceId().equals(fin.utteranceId()), Duration.ofSeconds(30));
            shutdown.get(90, TimeUnit.SECONDS);

            var entries = redis.opsForStream().range(RedisKeys.transcript(room), Range.unbounded())
                    .collectList().block(Duration.ofSeconds(5));
            assertThat(entries).as("transcript entries").hasSize(1);
            assertThat(String.valueOf(entries.get(0).getValue().get("entry"))).contains(fin.utteranceId());
            assertThat(timeline).as("readiness refused traffic before the socket was closed")
                    .containsSubsequence("readiness " + ReadinessState.REFUSING_TRAFFIC, "close 1012");
        } finally {
            container.destroy();
        }
    }
}

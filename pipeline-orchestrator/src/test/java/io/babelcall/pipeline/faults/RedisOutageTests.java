package io.babelcall.pipeline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.pipeline.PipelineApplication;
import io.babelcall.pipeline.support.Audio;
import io.babelcall.pipeline.support.AudioClient;
import io.babelcall.pipeline.support.Rooms;
import io.babelcall.testsupport.PrivateRedis;
import io.babelcall.pipeline.transcript.TranscriptEntry;
import io.babelcall.pipeline.transcript.TranscriptStore;
import io.babelcall.pipeline.transcript.TranscriptWriter;
import io.babelcall.testsupport.ReadinessProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The orchestrator on a Redis of this test's own, stalled (SIGSTOP) and resumed: readiness follows Redis, liveness
 * stays up, the transcript loses no final, and a handshake meanwhile is told to retry.
 */
class RedisOutageTests {

    static PrivateRedis redis;
    static ConfigurableApplicationContext orchestrator;

    @BeforeAll
    static void start() {
        redis = PrivateRedis.start();
        orchestrator = new SpringApplicationBuilder(PipelineApplication.class).run("--server.port=0",
                "--babelcall.tap.port=0", "--spring.data.redis.url=" + redis.url(),
                "--babelcall.token.secret=" + Rooms.SECRET, "--spring.main.banner-mode=off",
                "--spring.lifecycle.timeout-per-shutdown-phase=3s");
    }

    @AfterAll
    static void stop() {
        if (orchestrator != null) {
            orchestrator.close();
        }
        redis.close();
    }

    @Test
    void readinessIs503WithinASecondWhileRedisIsStalledAndRecoversByItself() {
        new ReadinessProbe(port()).followsRedisThroughAStall(redis);
    }

    /**
     * A final spoken while Redis answers nothing: its transcript write times out, waits in memory, and is written
     * once Redis is back - with its Spanish translation, made for the listeners read before the stall. A write that
     * timed out may also land when the stalled server resumes: the transcript still shows the utterance once.
     */
    @Test
    void aFinalSpokenWhileRedisIsStalledReachesTheTranscriptWithItsTranslation() throws Exception {
        Path dir = Files.createTempDirectory("outage");
        short[] before = Audio.flite("Good morning everyone.", dir);
        short[] during = Audio.flite("The train leaves from the north station at noon.", dir);
        ReactiveStringRedisTemplate template = orchestrator.getBean(ReactiveStringRedisTemplate.class);
        Rooms rooms = new Rooms(template, orchestrator.getBean(ObjectMapper.class),
                orchestrator.getBean(ParticipantTokens.class));
        TranscriptStore transcript = orchestrator.getBean(TranscriptStore.class);
        TranscriptWriter writer = orchestrator.getBean(TranscriptWriter.class);
        String room = rooms.newRoom();
        String speaker = rooms.join(room, "ann", "Ann", "en", "en", false);
        rooms.join(room, "bea", "Bea", "es", "es", false);
        try (AudioClient client = AudioClient.connect(port(), speaker).start(16000)) {
            client.stream(Audio.concat(Audio.silence(16000, 0.3), before, Audio.silence(16000, 1.0)), 16000, 20, 1.0);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> entries(transcript, room).size() == 1);

            redis.pause();
            try {
                client.stream(Audio.concat(during, Audio.silence(16000, 1.0)), 16000, 20, 1.0);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> writer.waiting() == 1);
            } finally {
                redis.resume();
            }
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> entries(transcript, room).size() == 2);
            TranscriptEntry late = entries(transcript, room).get(1);
            assertThat(late.text()).containsIgnoringCase("station");
            assertThat(late.translations()).as("translated for the listener read before the stall")
                    .containsKey("es");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> writer.waiting() == 0);
        }
    }

    /**
     * A handshake while Redis answers nothing: the participant check gives up after handshake-check-timeout and the
     * client is told to retry (503 store_unavailable, not a 500 nor a socket left hanging); once Redis is back the
     * same token connects.
     */
    @Test
    void aHandshakeWhileRedisIsStalledIsRefusedWith503AndTheSameTokenConnectsOnceItIsBack() throws Exception {
        String speaker = memberOfANewRoom("cy")[1];
        redis.pause();
        try {
            long t0 = System.nanoTime();
            HttpResponse<String> refused = get("/ws/audio?access_token=" + speaker);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("within the 2 s check timeout and some slack")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = orchestrator.getBean(ObjectMapper.class).readTree(refused.body());
            assertThat(problem.path("code").asString()).isEqualTo("store_unavailable");
            assertThat(problem.path("status").asInt()).isEqualTo(503);
        } finally {
            redis.resume();
        }
        try (AudioClient client = AudioClient.connect(port(), speaker)) {
            assertThat(client.closeCode).isNotDone();
        }
    }

    /**
     * A transcript download while Redis answers nothing: 503 store_unavailable (not a 500), and the download's token,
     * which the page sends in the query string, appears in no log line.
     */
    @Test
    void aTranscriptDownloadWhileRedisIsStalledIs503AndItsTokenStaysOutOfTheLogs() throws Exception {
        String[] member = memberOfANewRoom("di");
        String reader = member[1];
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        redis.pause();
        try {
            HttpResponse<String> refused = get("/api/v1/rooms/" + member[0] + "/transcript?format=vtt&access_token="
                    + reader);
            assertThat(refused.statusCode()).isEqualTo(503);
            JsonNode problem = orchestrator.getBean(ObjectMapper.class).readTree(refused.body());
            assertThat(problem.path("code").asString()).isEqualTo("store_unavailable");
        } finally {
            redis.resume();
            root.detachAppender(logs);
        }
        assertThat(logs.list).as("log lines of the failed download").isNotEmpty()
                .noneMatch(e -> e.getFormattedMessage().contains(reader))
                .noneMatch(e -> e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage())
                        .contains(reader));
    }

    /** A new room with one English-speaking member: {room id, the member's token}. */
    private static String[] memberOfANewRoom(String name) {
        Rooms rooms = new Rooms(orchestrator.getBean(ReactiveStringRedisTemplate.class),
                orchestrator.getBean(ObjectMapper.class), orchestrator.getBean(ParticipantTokens.class));
        String room = rooms.newRoom();
        return new String[] {room, rooms.join(room, name, name, "en", "en", false)};
    }

    private static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port()
                + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<TranscriptEntry> entries(TranscriptStore transcript, String room) {
        return transcript.read(room).block(Duration.ofSeconds(5));
    }

    private static int port() {
        return Integer.parseInt(orchestrator.getEnvironment().getRequiredProperty("local.server.port"));
    }
}

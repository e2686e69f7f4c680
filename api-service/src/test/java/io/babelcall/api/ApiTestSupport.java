package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.testsupport.RedisServerExtension;
import io.babelcall.testsupport.SignalingPresence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientRequest;

/**
 * One Spring context (real Redis, random port) shared by every api integration test class: they all extend this class
 * and keep its configuration identical, so the context is built once. The orchestrator is a MockWebServer.
 * Rate limiting trusts one proxy hop, so each request comes from a client address of its own (X-Forwarded-For, added
 * by {@link #separateClients} unless the test sets one) and tests do not share buckets: a test that needs one client
 * sets the header itself.
 */
@ExtendWith(RedisServerExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "babelcall.token.secret=" + ApiTestSupport.TOKEN_SECRET,
        "babelcall.turn.secret=" + ApiTestSupport.TURN_SECRET,
        "babelcall.turn.stun-urls=stun:stun.test.example:3478",
        "babelcall.turn.turn-urls=turn:turn.test.example:3478?transport=udp,turns:turn.test.example:5349",
        "babelcall.turn.ttl=2h",
        "babelcall.api.trusted-proxies=1",
        "babelcall.api.rate-limit.rooms-per-minute=6",
        "babelcall.api.rate-limit.burst=3",
        "babelcall.api.rate-limit.joins-per-minute=6",
        "babelcall.api.rate-limit.join-burst=3",
        // A room's bucket refills slowly (one a minute), so a test can empty it before a token comes back; 30 lets
        // the concurrency test's 24 joins into one room through.
        "babelcall.api.rate-limit.room-joins-per-minute=1",
        "babelcall.api.rate-limit.room-join-burst=30",
        "babelcall.api.public-base-url=https://calls.test.example",
        "babelcall.api.signaling-url=wss://signal.test.example/ws",
        "babelcall.api.audio-url=wss://audio.test.example/ws/audio",
        "babelcall.api.orchestrator-url=https://orch.test.example",
        "babelcall.api.room-ttl=3h",
        "babelcall.token.ttl=30m"})
// The first requests of a context warm up Redis connections and codecs; on a busy 2-core machine that took over the
// default 5 s response wait. Not a speed check, only a limit for a request that never answers.
@AutoConfigureWebTestClient(timeout = "30s")
public abstract class ApiTestSupport {

    public static final String TOKEN_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    public static final String TURN_SECRET = "turn-secret-for-tests";

    /** Stands in for the pipeline orchestrator (a remote server for the api). */
    protected static final MockWebServer ORCHESTRATOR = new MockWebServer();

    static {
        try {
            ORCHESTRATOR.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void orchestrator(DynamicPropertyRegistry registry) {
        registry.add("babelcall.api.orchestrator-internal-url",
                () -> "http://" + ORCHESTRATOR.getHostName() + ":" + ORCHESTRATOR.getPort());
    }

    @Autowired
    protected WebTestClient web;

    @Autowired
    protected ReactiveStringRedisTemplate redis;

    @Autowired
    protected ParticipantTokens tokens;

    @BeforeEach
    void separateClients() {
        web = web.mutate().filter((request, next) -> next.exchange(request.headers().containsHeader("X-Forwarded-For")
                ? request
                : ClientRequest.from(request).header("X-Forwarded-For", freshClient()).build())).build();
    }

    protected static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    /** A client address of its own, so rate-limit buckets are not shared between tests. */
    protected static String freshClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    /** POSTs {@code body} as JSON, from a fresh client address unless the request names one. */
    protected WebTestClient.ResponseSpec postJson(String path, Object body) {
        return web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected Map<String, Object> createRoom(Integer maxParticipants) {
        return createRoom(maxParticipants == null ? Map.of() : Map.of("maxParticipants", maxParticipants));
    }

    protected Map<String, Object> createRoom(Map<String, Object> body) {
        Map<String, Object> created = postJson("/api/v1/rooms", body)
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(created).containsKey("roomId");
        return created;
    }

    protected String newRoom() {
        return (String) createRoom((Integer) null).get("roomId");
    }

    protected Map<String, Object> join(String roomId, String name) {
        return join(roomId, Map.of("displayName", name, "spokenLanguage", "en", "captionLanguage", "es", "dubbing", true));
    }

    protected Map<String, Object> join(String roomId, Map<String, Object> body) {
        return postJson("/api/v1/rooms/" + roomId + "/participants", body)
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    /** The presence entry signaling writes while a participant's socket is open. */
    protected void connectToSignaling(String roomId, String participantId) {
        redis.opsForHash().put(RedisKeys.presence(roomId), participantId, SignalingPresence.connectedEntry(participantId))
                .block();
    }
}

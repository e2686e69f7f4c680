package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.support.FaultReplicas;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.PrivateRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Redis stalls (SIGSTOP on a Redis of this test's own) under two replicas with two clients. Timings are scaled down
 * (replica TTL 2 s, sweep 0.5 s, heartbeat timeout 4 s), so a 5 s stall outlives every liveness key, as a ~25 s one
 * would with the production timings, and a 9 s stall outlives the heartbeat timeout.
 */
class RedisOutageTests {

    static PrivateRedis redis;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static Rooms rooms;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() {
        redis = PrivateRedis.start();
        rooms = new Rooms(redis.url());
        a = FaultReplicas.start("--spring.data.redis.url=" + redis.url());
        b = FaultReplicas.start("--spring.data.redis.url=" + redis.url());
    }

    @AfterAll
    static void stop() {
        redis.resume();
        a.close();
        b.close();
        rooms.close();
        redis.close();
    }

    static WsClient join(ConfigurableApplicationContext ctx, String room, Participant p) {
        WsClient c = WsClient.connect(ReplicaPairFixture.ws(ctx, rooms.token(room, p)));
        c.next("welcome");
        return c;
    }

    static void sleep(long ms) throws InterruptedException {
        Thread.sleep(ms); // the fault itself lasts this long: nothing to await
    }

    @Test
    void stallsLongerThanEveryLivenessKeyEvictNobody() throws Exception {
        String room = rooms.newRoom();
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient aliceWs = join(a, room, alice);
        WsClient bobWs = join(b, room, bob);
        for (int round = 1; round <= 2; round++) {
            redis.pause();
            sleep(5_000);
            redis.resume();
            sleep(3_000); // several sweeps of both replicas after Redis is back
            assertThat(aliceWs.isOpen()).as("alice's socket after stall %d", round).isTrue();
            assertThat(bobWs.isOpen()).as("bob's socket after stall %d", round).isTrue();
            assertThat(rooms.redis.hexists(RedisKeys.participants(room), alice.participantId())).isTrue();
            assertThat(rooms.redis.hexists(RedisKeys.participants(room), bob.participantId())).isTrue();
            List<JsonNode> seen = bobWs.all(Duration.ofMillis(100));
            assertThat(seen).as("bob saw after stall %d", round)
                    .noneMatch(n -> "peer-left".equals(n.path("type").asString()));
            aliceWs.send("{\"type\":\"offer\",\"to\":\"" + bob.participantId() + "\",\"sdp\":\"v=0\\r\\n\"}");
            assertThat(bobWs.next("offer").path("from").asString()).isEqualTo(alice.participantId());
        }
        aliceWs.close();
        bobWs.close();
    }

    @Test
    void aStallLongerThanTheHeartbeatTimeoutClosesNoSocketAndReadinessSaysSo() throws Exception {
        String room = rooms.newRoom();
        Participant carol = rooms.add(room, "carol", "en", "es", false);
        Participant dan = rooms.add(room, "dan", "es", "en", false);
        WsClient carolWs = join(a, room, carol);
        WsClient danWs = join(b, room, dan);
        URI readiness = URI.create("http://127.0.0.1:" + ReplicaPairFixture.port(a) + "/actuator/health/readiness");
        redis.pause();
        try {
            sleep(1_500);
            // Answered (the Redis check gives up after 500 ms), not held until Redis is back: the client would time out.
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("readiness while Redis is stalled").isEqualTo(503);
            sleep(7_500); // 9 s in all: over the 4 s heartbeat timeout
        } finally {
            redis.resume();
        }
        sleep(3_000);
        assertThat(carolWs.isOpen()).as("carol's socket after a 9 s stall").isTrue();
        assertThat(danWs.isOpen()).as("dan's socket after a 9 s stall").isTrue();
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(readiness).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as("readiness once Redis is back").isEqualTo(200);
        danWs.send("{\"type\":\"chat\",\"text\":\"still here\"}");
        assertThat(carolWs.next("chat").path("text").asString()).isEqualTo("still here");
        carolWs.close();
        danWs.close();
    }
}

package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.media.TapEndpoint;
import io.babelcall.common.media.TapMapping;
import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.SignalingApplication;
import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.JanusServer;
import io.babelcall.testsupport.RedisServerExtension;
import io.lettuce.core.SetArgs;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The signaling side of the speech tap against a real Janus and a real Redis: a publisher's audio is forwarded
 * ({@code rtp_forward}) to the least loaded orchestrator replica under an SSRC whose mapping is in Redis, moves to
 * another replica when its replica's endpoint expires, and stops when the participant leaves. The orchestrator
 * replicas are their Redis endpoints and UDP sockets (the contract in docs/media.md); the orchestrator's own side is
 * tested in pipeline-orchestrator, and media really flowing needs browsers (the end-to-end test).
 */
@ExtendWith(RedisServerExtension.class)
class SpeechTapForwardTests {

    static JanusServer node;
    static ConfigurableApplicationContext replica;
    static Rooms rooms;
    static ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    /** Fake orchestrator replicas: id -> UDP socket; their endpoints are kept alive while in this map. */
    final Map<String, DatagramSocket> orchestrators = new ConcurrentHashMap<>();
    final Map<String, Integer> loads = new ConcurrentHashMap<>();
    String room;

    @BeforeAll
    static void start() {
        rooms = new Rooms(RedisServerExtension.redisUrl());
        node = JanusServer.start("41300-41399");
        replica = new SpringApplicationBuilder(SignalingApplication.class).run(
                "--server.port=0",
                "--spring.data.redis.url=" + RedisServerExtension.redisUrl(),
                "--babelcall.token.secret=" + Rooms.SECRET,
                "--babelcall.signaling.media.nodes[0].id=node-1",
                "--babelcall.signaling.media.nodes[0].url=" + node.wsUrl(),
                "--babelcall.signaling.media.api-secret=" + node.apiSecret(),
                "--babelcall.signaling.media.admin-key=" + node.adminKey(),
                "--babelcall.signaling.media.ice-timeout=60s",
                "--babelcall.signaling.media.tap.retry-delay=200ms",
                "--spring.main.banner-mode=off");
        // Endpoints live 1.5 s unless refreshed, as the orchestrator's heartbeat does every 500 ms.
        var unused = timers.scheduleWithFixedDelay(SpeechTapForwardTests::heartbeats, 0, 400, TimeUnit.MILLISECONDS);
    }

    static SpeechTapForwardTests current;

    static void heartbeats() {
        SpeechTapForwardTests t = current;
        if (t == null) {
            return;
        }
        t.orchestrators.forEach((id, socket) -> {
            rooms.redis.sadd(RedisKeys.TAP_REPLICAS, id);
            String endpoint = Rooms.JSON.writeValueAsString(
                    new TapEndpoint("127.0.0.1", socket.getLocalPort(), t.loads.getOrDefault(id, 0)));
            rooms.redis.set(RedisKeys.tapReplica(id), endpoint, SetArgs.Builder.px(1500));
        });
    }

    @AfterAll
    static void stop() {
        replica.close();
        node.stop();
        rooms.close();
        timers.shutdownNow();
    }

    @BeforeEach
    void newRoom() {
        room = rooms.newRoom();
        current = this;
    }

    @AfterEach
    void closeReplicas() {
        current = null;
        orchestrators.values().forEach(DatagramSocket::close);
        orchestrators.keySet().forEach(id -> rooms.redis.del(RedisKeys.tapReplica(id)));
        rooms.redis.del(RedisKeys.TAP_REPLICAS);
    }

    void orchestrator(String id, int load) throws Exception {
        loads.put(id, load);
        orchestrators.put(id, new DatagramSocket(0, InetAddress.getLoopbackAddress()));
        heartbeats();
    }

    WsClient joinAndPublish(Participant p) {
        int port = Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
        WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + rooms.token(room, p)));
        c.next("media-state");
        c.send(Rooms.JSON.createObjectNode().put("type", "publish").put("sdp", SyntheticSdp.publisherOffer())
                .toString());
        c.next("publish-answer");
        return c;
    }

    /** Janus's RTP forwarders of {@code participantId} in this test's room: port -> SSRC. */
    Map<Integer, Long> forwardersOf(String participantId) {
        try (JanusClient c = new JanusClient(URI.create(node.wsUrl()), node.apiSecret(), Rooms.JSON,
                Duration.ofSeconds(5), Duration.ofSeconds(15), timers).connect().join()) {
            long h = c.attach(JanusClient.VIDEOROOM, (d, j) -> { }).join();
            JsonNode data = c.request(h, c.body("listforwarders").put("room", room)
                    .put("admin_key", node.adminKey()), null).join().data();
            Map<Integer, Long> out = new ConcurrentHashMap<>();
            for (JsonNode p : data.path("publishers")) {
                if (participantId.equals(p.path("publisher_id").asString())) {
                    for (JsonNode f : p.path("forwarders")) {
                        out.put(f.path("port").asInt(), f.path("ssrc").asLong());
                    }
                }
            }
            return out;
        }
    }

    TapMapping mapping(long ssrc) {
        String v = rooms.redis.get(RedisKeys.tap(ssrc));
        return v == null ? null : Rooms.JSON.readValue(v, TapMapping.class);
    }

    List<String> mappingKeys() {
        return new ArrayList<>(rooms.redis.keys("orchestrator:tap:*"));
    }

    @Test
    void aPublishersAudioGoesToTheLeastLoadedReplicaAndMovesWhenThatReplicaDies() throws Exception {
        orchestrator("busy", 5);
        orchestrator("idle", 0);
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        WsClient a = joinAndPublish(alice);
        int idlePort = orchestrators.get("idle").getLocalPort();
        int busyPort = orchestrators.get("busy").getLocalPort();

        // Forwarded to the idle replica, under an SSRC whose mapping names the room, the participant and Opus's pt.
        await().atMost(Duration.ofSeconds(10)).until(() -> forwardersOf(alice.participantId()).containsKey(idlePort));
        long ssrc = forwardersOf(alice.participantId()).get(idlePort);
        assertThat(mapping(ssrc)).isEqualTo(new TapMapping(room, alice.participantId(), 111));
        assertThat(forwardersOf(alice.participantId())).hasSize(1);

        // The idle replica dies: its endpoint expires (no more heartbeats); the tap moves to the other one, under a
        // new SSRC, and the old forward and its mapping are gone.
        orchestrators.remove("idle").close();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Map<Integer, Long> f = forwardersOf(alice.participantId());
            return f.size() == 1 && f.containsKey(busyPort);
        });
        long moved = forwardersOf(alice.participantId()).get(busyPort);
        assertThat(moved).isNotEqualTo(ssrc);
        assertThat(mapping(moved)).isEqualTo(new TapMapping(room, alice.participantId(), 111));
        assertThat(mapping(ssrc)).isNull();
        assertThat(rooms.redis.smembers(RedisKeys.TAP_REPLICAS)).doesNotContain("idle");

        // Metrics: one forward active, one move; the node is reachable.
        MeterRegistry metrics = replica.getBean(MeterRegistry.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> metrics.get("babelcall_signaling_speech_taps")
                .tag("state", "active").gauge().value() == 1.0);
        assertThat(metrics.get("babelcall_signaling_speech_tap_moves").counter().count()).isEqualTo(1.0);
        assertThat(metrics.get("babelcall_sfu_nodes").tag("state", "reachable").gauge().value()).isEqualTo(1.0);
        assertThat(metrics.get("babelcall_sfu_nodes").tag("state", "configured").gauge().value()).isEqualTo(1.0);

        // Leaving stops the forward: no mapping is left behind.
        a.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> mapping(moved) == null);
    }

    @Test
    void muteThroughTheSignalingSocketStopsTheTapAtOnceAndUnmuteStartsItAgain() throws Exception {
        orchestrator("only", 0);
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        WsClient a = joinAndPublish(alice);
        int port = orchestrators.get("only").getLocalPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> forwardersOf(alice.participantId()).containsKey(port));
        long ssrc = forwardersOf(alice.participantId()).get(port);

        // The page's mute: `media` with audio false. The forward and its mapping go without waiting for silence.
        a.send("{\"type\":\"media\",\"audio\":false}");
        await().atMost(Duration.ofSeconds(5)).until(() -> forwardersOf(alice.participantId()).isEmpty());
        assertThat(mapping(ssrc)).isNull();

        // Unmute: tapped again, under a new SSRC.
        a.send("{\"type\":\"media\",\"audio\":true}");
        await().atMost(Duration.ofSeconds(10)).until(() -> forwardersOf(alice.participantId()).containsKey(port));
        assertThat(forwardersOf(alice.participantId()).get(port)).isNotEqualTo(ssrc);
        a.close();
    }

    @Test
    void aTapWaitsForAReplicaAndStartsWhenOneAppears() throws Exception {
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient b = joinAndPublish(bob);
        // no orchestrator receives RTP: nothing is forwarded, nothing mapped, the call goes on
        b.send("{\"type\":\"ping\",\"ts\":1}");
        assertThat(b.upTo("pong", n -> true, Duration.ofSeconds(5)))
                .noneMatch(n -> "error".equals(n.path("type").asString()));
        assertThat(forwardersOf(bob.participantId())).isEmpty();
        assertThat(mappingKeys()).isEmpty();

        orchestrator("late", 0);
        int port = orchestrators.get("late").getLocalPort();
        await().atMost(Duration.ofSeconds(10)).until(() -> forwardersOf(bob.participantId()).containsKey(port));
        assertThat(mapping(forwardersOf(bob.participantId()).get(port)).participantId())
                .isEqualTo(bob.participantId());
        b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> mappingKeys().isEmpty());
    }
}

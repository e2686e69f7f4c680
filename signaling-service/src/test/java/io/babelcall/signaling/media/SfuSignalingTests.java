package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.JanusServer;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * SFU calls through signaling: a real signaling replica, a real Redis and two real Janus nodes. The browsers are
 * scripted clients with browser-shaped SDP offers: negotiation completes, media never flows (no ICE), so what needs
 * flowing media (subscriptions to active publishers, talking) is covered by the browser end-to-end test.
 */
@ExtendWith(RedisServerExtension.class)
class SfuSignalingTests {

    static JanusServer node1;
    static JanusServer node2;
    static ConfigurableApplicationContext replica;
    static Rooms rooms;
    static ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    String room;

    @BeforeAll
    static void start() {
        rooms = new Rooms(RedisServerExtension.redisUrl());
        node1 = JanusServer.start("41100-41199");
        // Both nodes share the secrets, as one deployment's nodes do.
        node2 = JanusServer.start("41200-41299", node1.apiSecret(), node1.adminKey());
        replica = SfuTestReplica.start(node1, node2,
                "--babelcall.signaling.media.reconnect-delay=200ms",
                "--babelcall.signaling.media.ice-timeout=2s",
                "--babelcall.signaling.media.stats-interval=200ms",
                "--babelcall.signaling.media.empty-room-grace=1s");
    }

    @AfterAll
    static void stop() {
        replica.close();
        node1.stop();
        node2.stop();
        rooms.close();
        timers.shutdownNow();
    }

    @BeforeEach
    void newRoom() {
        room = rooms.newRoom();
    }

    WsClient join(Participant p) {
        return SfuTestReplica.join(replica, rooms, room, p);
    }

    static String publish(String sdp) {
        return Rooms.JSON.createObjectNode().put("type", "publish").put("sdp", sdp).toString();
    }

    JsonNode participantsOnJanus(JanusServer node) {
        try (JanusClient c = new JanusClient(URI.create(node.wsUrl()), node.apiSecret(), Rooms.JSON,
                Duration.ofSeconds(5), Duration.ofSeconds(15), timers).connect().join()) {
            long h = c.attach(JanusClient.VIDEOROOM, (d, j) -> { }).join();
            return c.request(h, c.body("listparticipants").put("room", room), null).join().data();
        }
    }

    @Test
    void participantsJoinTheRoomsVideoRoomUnderTheirOwnIdsAndPublishThroughSignaling() {
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient a = join(alice);
        WsClient b = join(bob);
        JanusServer node = "node-1".equals(rooms.redis.get(RedisKeys.sfuRoom(room))) ? node1 : node2;
        List<String> ids = new ArrayList<>();
        participantsOnJanus(node).path("participants").forEach(p -> ids.add(p.path("id").asString()));
        assertThat(ids).containsExactlyInAnyOrder(alice.participantId(), bob.participantId());

        a.send(publish(SyntheticSdp.publisherOffer()));
        String answer = a.next("publish-answer").path("sdp").asString();
        assertThat(answer).startsWith("v=0").contains("m=audio", "m=video", "a=recvonly");
        // a trickled candidate and the end of candidates are taken without complaint
        a.send("{\"type\":\"media-ice\",\"pc\":\"publish\",\"candidate\":{\"candidate\":"
                + "\"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
        a.send("{\"type\":\"media-ice\",\"pc\":\"publish\"}");
        a.send("{\"type\":\"ping\",\"ts\":1}");
        List<JsonNode> untilPong = a.upTo("pong", n -> true, Duration.ofSeconds(5));
        assertThat(untilPong).noneMatch(n -> "error".equals(n.path("type").asString()));

        // Leaving empties the VideoRoom; the last one out destroys it and unpins the room.
        a.close();
        b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> rooms.redis.get(RedisKeys.sfuRoom(room)) == null);
        assertThatThrownBy(() -> participantsOnJanus(node)).hasMessageContaining("426"); // no such room
    }

    @Test
    void aVideoRoomEndsEvenWhenJanusLetsItsLastParticipantGoLate() throws Exception {
        // Janus answers a detach before its VideoRoom has let the participant go (a probe of 200 rooms left with two
        // participants who both detached: one still listed in 26). Two leaving together then each saw the other, and
        // the room stayed on the node for good. Here the leaver is let go 300 ms after the release starts looking.
        SfuRooms sfu = replica.getBean(SfuRooms.class);
        JanusClient janus = sfu.place(room).join().janus();
        long handle = janus.attach(JanusClient.VIDEOROOM, (d, j) -> { }).join();
        janus.request(handle, janus.body("join").put("ptype", "publisher").put("room", room).put("id", "ana"), null)
                .join();
        var released = sfu.releaseIfEmpty(room, "ana");
        Thread.sleep(300);
        janus.detach(handle).join();
        released.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(rooms.redis.get(RedisKeys.sfuRoom(room))).as("unpinned").isNull();
    }

    @Test
    void videoRoomsNobodyReleasedAreDestroyedOnceTheyStayedEmpty() {
        // Releases lost with their replica: VideoRooms pinned and created, nobody in them, nobody to destroy them.
        SfuRooms sfu = replica.getBean(SfuRooms.class);
        SfuRooms.Placement lost = sfu.place(room).join();
        String ended = rooms.newRoom();
        SfuRooms.Placement endedThere = sfu.place(ended).join();
        rooms.redis.del(RedisKeys.room(ended)); // this call is over: its pin may go too
        // A VideoRoom with someone in it stays, however long.
        String busy = rooms.newRoom();
        SfuRooms.Placement busyThere = sfu.place(busy).join();
        long handle = busyThere.janus().attach(JanusClient.VIDEOROOM, (d, j) -> { }).join();
        busyThere.janus().request(handle, busyThere.janus().body("join").put("ptype", "publisher").put("room", busy)
                .put("id", "ana"), null).join();

        await().atMost(Duration.ofSeconds(10)).until(() -> !roomsOn(janusOf(lost)).contains("\"" + room + "\"")
                && !roomsOn(janusOf(endedThere)).contains("\"" + ended + "\""));
        assertThat(rooms.redis.get(RedisKeys.sfuRoom(room))).as("pin of a call that goes on").isEqualTo(lost.nodeId());
        await().atMost(Duration.ofSeconds(5)).until(() -> rooms.redis.get(RedisKeys.sfuRoom(ended)) == null);
        // held through more than the grace again, poll after poll
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> roomsOn(janusOf(busyThere)).contains("\"" + busy + "\""));
        busyThere.janus().detach(handle).join();
    }

    static JanusServer janusOf(SfuRooms.Placement p) {
        return "node-1".equals(p.nodeId()) ? node1 : node2;
    }

    @Test
    void aNodesRoomCountIsSetToWhatItHoldsWhenAReplicaConnects() {
        // counts that drifted: a node that died with rooms, a release lost with its replica
        JanusNodes nodes = replica.getBean(JanusNodes.class);
        for (String id : nodes.healthy()) {
            rooms.redis.hset(RedisKeys.SFU_NODE_ROOMS, id, "42");
        }
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        nodes.onConnected((id, janus) -> { // a listener hears the sessions made before it too
            seen.add(id);
            replica.getBean(SfuRooms.class).reconcile(id, janus);
        });
        assertThat(seen).containsExactlyInAnyOrderElementsOf(nodes.healthy());
        for (String id : nodes.healthy()) {
            JanusServer node = "node-1".equals(id) ? node1 : node2;
            await().atMost(Duration.ofSeconds(5)).until(() -> !"42".equals(
                    rooms.redis.hget(RedisKeys.SFU_NODE_ROOMS, id)));
            assertThat(rooms.redis.hget(RedisKeys.SFU_NODE_ROOMS, id))
                    .isEqualTo(Integer.toString(Rooms.JSON.readTree(roomsOn(node)).size()));
        }
    }

    @Test
    void roomsGoToTheLeastLoadedNodeAndMoveWhenTheirNodeDies() throws Exception {
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        WsClient a = join(alice);
        String pinned = rooms.redis.get(RedisKeys.sfuRoom(room));
        assertThat(pinned).isIn("node-1", "node-2");
        a.send(publish(SyntheticSdp.publisherOffer()));
        a.next("publish-answer");
        // A second room goes to the other node: it has fewer rooms now.
        String other = rooms.newRoom();
        Participant carol = rooms.add(other, "carol", "en", "es", false);
        int port = Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
        WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws?access_token="
                + rooms.token(other, carol)));
        c.next("media-state");
        assertThat(rooms.redis.get(RedisKeys.sfuRoom(other))).isNotEqualTo(pinned).isIn("node-1", "node-2");

        // The first room's node crashes: its participants are told to publish again, and doing so moves the room.
        JanusServer dying = "node-1".equals(pinned) ? node1 : node2;
        dying.kill();
        assertThat(a.next("media-state", n -> "restart".equals(n.path("state").asString()), Duration.ofSeconds(10)))
                .isNotNull();
        a.send(publish(SyntheticSdp.publisherOffer()));
        assertThat(a.next("publish-answer", n -> true, Duration.ofSeconds(10)).path("sdp").asString())
                .startsWith("v=0");
        assertThat(rooms.redis.get(RedisKeys.sfuRoom(room))).isNotEqualTo(pinned);
        // the other room, on the surviving node, was not disturbed
        assertThat(c.all(Duration.ofMillis(300))).noneMatch(n -> "media-state".equals(n.path("type").asString()));
        a.close();
        c.close();
        // The other tests need one node only: the picker skips the dead one.
    }

    /** The VideoRooms on a node and their participant counts, for failure messages ("down" when unreachable). */
    static String roomsOn(JanusServer node) {
        try (JanusClient c = new JanusClient(URI.create(node.wsUrl()), node.apiSecret(), Rooms.JSON,
                Duration.ofSeconds(5), Duration.ofSeconds(15), timers).connect().join()) {
            long h = c.attach(JanusClient.VIDEOROOM, (d, j) -> { }).join();
            return c.request(h, c.body("list").put("admin_key", node.adminKey()), null).join().data()
                    .path("list").toString();
        } catch (RuntimeException e) {
            return "down";
        }
    }

    /** A node's gauge as this replica exports it (NaN while unread or unreachable). */
    static double nodeGauge(String name, String node) {
        Gauge g = replica.getBean(MeterRegistry.class).find(name).tag("node", node).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void eachNodesRoomsParticipantsHandlesAndRequestLatencyAreMetrics() {
        // the rooms of earlier tests are destroyed once empty: start on idle nodes (a dead node reads NaN)
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.Stream.of("node-1", "node-2")
                    .allMatch(n -> !(nodeGauge("babelcall.sfu.node.rooms", n) > 0)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("VideoRooms left by earlier tests: node-1 " + roomsOn(node1) + ", node-2 "
                    + roomsOn(node2), e);
        }
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient a = join(alice);
        WsClient b = join(bob);
        String node = rooms.redis.get(RedisKeys.sfuRoom(room));
        // read from the node itself (VideoRoom list / listparticipants): this room, its two participants
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeGauge("babelcall.sfu.node.rooms", node) == 1
                && nodeGauge("babelcall.sfu.node.participants", node) == 2);
        assertThat(nodeGauge("babelcall.sfu.node.publishers", node)).isZero(); // scripted peers never get ICE up
        assertThat(nodeGauge("babelcall.sfu.node.handles", node)).isGreaterThanOrEqualTo(3); // 2 publishers + control
        Timer latency = replica.getBean(MeterRegistry.class).find("babelcall.sfu.request").tag("node", node).timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isPositive();
        a.close();
        b.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeGauge("babelcall.sfu.node.rooms", node) == 0
                && nodeGauge("babelcall.sfu.node.participants", node) == 0);
    }

    @Test
    void aPublisherWhoseIceNeverCompletesIsTornDownOnTheSfu() {
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        WsClient a = join(alice);
        a.send(publish(SyntheticSdp.publisherOffer())); // its ICE can never complete
        a.next("publish-answer");
        assertThat(a.next("media-state", n -> "failed".equals(n.path("state").asString()), Duration.ofSeconds(10)))
                .isNotNull();
        // Torn down on the SFU: a fresh publish is accepted (Janus refuses a second publish on a live one).
        a.send(publish(SyntheticSdp.publisherOffer()));
        assertThat(a.upTo("publish-answer", n -> true, Duration.ofSeconds(10)))
                .noneMatch(n -> "error".equals(n.path("type").asString()));
        a.close();
    }

    @Test
    void badMediaMessagesGetErrorsAndHurtNobody() {
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient a = join(alice);
        WsClient b = join(bob);
        a.send(publish("v=0\r\nthis is not an offer\r\n"));
        assertThat(a.next("error").path("code").asString()).isIn("invalid_sdp", "media_error");
        a.send(publish("not sdp at all"));
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_sdp");
        a.send("{\"type\":\"publish\"}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("missing_field");
        a.send("{\"type\":\"subscribe-answer\",\"sdp\":\"v=0\\r\\n\"}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_message");
        a.send("{\"type\":\"media-ice\",\"pc\":\"sideways\"}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_field");
        // after all that, both still negotiate
        a.send(publish(SyntheticSdp.publisherOffer()));
        assertThat(a.next("publish-answer").path("sdp").asString()).startsWith("v=0");
        b.send(publish(SyntheticSdp.publisherOffer()));
        assertThat(b.next("publish-answer").path("sdp").asString()).startsWith("v=0");
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).isTrue();
        a.close();
        b.close();
    }

    @Test
    void mediaLayersAreValidatedAndTakenWithoutDisturbingTheCall() {
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        Participant bob = rooms.add(room, "bob", "es", "en", false);
        WsClient a = join(alice);
        WsClient b = join(bob);
        String bobId = bob.participantId();
        a.send("{\"type\":\"media-layers\"}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("missing_field");
        a.send("{\"type\":\"media-layers\",\"layers\":[]}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_field");
        a.send("{\"type\":\"media-layers\",\"layers\":[{\"participantId\":\"" + bobId + "\",\"layer\":\"ultra\"}]}");
        JsonNode badLayer = a.next("error");
        assertThat(badLayer.path("code").asString()).isEqualTo("invalid_field");
        assertThat(badLayer.path("message").asString()).doesNotContain("ultra"); // never echoes client input
        a.send("{\"type\":\"media-layers\",\"layers\":[{\"participantId\":\"p\\u0007\",\"layer\":\"h\"}]}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_field");
        a.send("{\"type\":\"media-layers\",\"layers\":[{\"layer\":\"h\"}]}");
        assertThat(a.next("error").path("code").asString()).isEqualTo("missing_field");
        StringBuilder tooMany = new StringBuilder("{\"type\":\"media-layers\",\"layers\":[");
        for (int i = 0; i <= 100; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"participantId\":\"p").append(i).append("\",\"layer\":\"l\"}");
        }
        a.send(tooMany.append("]}").toString());
        assertThat(a.next("error").path("code").asString()).isEqualTo("invalid_field");

        // Valid: taken (kept until bob's video is in the subscription), no error, and the call goes on.
        a.send("{\"type\":\"media-layers\",\"layers\":[{\"participantId\":\"" + bobId
                + "\",\"layer\":\"l\"},{\"participantId\":\"someone-later\",\"layer\":\"off\"}]}");
        a.send("{\"type\":\"ping\",\"ts\":2}");
        assertThat(a.upTo("pong", n -> true, Duration.ofSeconds(5)))
                .noneMatch(n -> "error".equals(n.path("type").asString()));
        a.send(publish(SyntheticSdp.publisherOffer()));
        assertThat(a.next("publish-answer").path("sdp").asString()).startsWith("v=0");
        assertThat(b.isOpen()).isTrue();
        a.close();
        b.close();
    }
}

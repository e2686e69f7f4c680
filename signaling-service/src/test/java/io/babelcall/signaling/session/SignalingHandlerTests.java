package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.support.FakeConnection;
import io.babelcall.signaling.support.Rooms;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Joining, relays, chat, bad input, floods and updates through the logic, on two replicas. */
class SignalingHandlerTests extends HandlerReplicasFixture {

    @Test
    void welcomeListsPeersAndPeersSeeTheJoinAcrossReplicas() {
        Client alice = join(a, "alice");
        Participant bobP = rooms.add(room, "bob", "es", "es", false);
        FakeConnection bobConn = new FakeConnection();
        LocalSession bobSession = b.handler().onOpen(bobConn, rooms.claims(room, bobP));
        assertThat(bobSession).isNotNull();
        JsonNode welcome = bobConn.next("welcome");
        assertThat(welcome.path("self").path("participantId").asString()).isEqualTo(bobP.participantId());
        assertThat(welcome.path("self").path("spokenLanguage").asString()).isEqualTo("es");
        assertThat(welcome.path("peers")).hasSize(1);
        assertThat(welcome.path("peers").get(0).path("participantId").asString()).isEqualTo(alice.id());
        JsonNode joined = alice.next("peer-joined");
        assertThat(joined.path("peer").path("participantId").asString()).isEqualTo(bobP.participantId());
        assertThat(joined.path("peer").path("displayName").asString()).isEqualTo("bob");
    }

    @Test
    void relaysOfferAnswerIceLocallyAndAcrossReplicasWithServerSetFrom() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        Client carol = join(b, "carol");
        alice.conn().next("peer-joined", n -> n.path("peer").path("participantId").asString().equals(carol.id()));
        double iceOut = count(a, "babelcall.signaling.messages.out", "type", "ice");
        long relaysTimedA = relaysTimed(a);
        long relaysTimedB = relaysTimed(b);
        double unknownPeer = count(a, "babelcall.signaling.dropped", "cause", "unknown_peer");

        // same replica
        alice.send("{\"type\":\"ice\",\"to\":\"" + bob.id() + "\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 "
                + "10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
        JsonNode ice = bob.next("ice");
        assertThat(ice.path("from").asString()).isEqualTo(alice.id());
        assertThat(ice.path("candidate").path("sdpMid").asString()).isEqualTo("0");
        assertThat(ice.path("candidate").path("candidate").asString()).startsWith("candidate:1");

        // across replicas, with a forged 'from' that the server overwrites
        alice.send("{\"type\":\"offer\",\"to\":\"" + carol.id() + "\",\"from\":\"" + bob.id() + "\",\"sdp\":\"v=0 o\"}");
        JsonNode offer = carol.next("offer");
        assertThat(offer.path("from").asString()).isEqualTo(alice.id());
        assertThat(offer.path("sdp").asString()).isEqualTo("v=0 o");
        carol.send("{\"type\":\"answer\",\"to\":\"" + alice.id() + "\",\"sdp\":\"v=0 a\"}");
        JsonNode answer = alice.next("answer");
        assertThat(answer.path("from").asString()).isEqualTo(carol.id());
        carol.send("{\"type\":\"ice\",\"to\":\"" + alice.id() + "\",\"candidate\":null}");
        assertThat(alice.next("ice").path("from").asString()).isEqualTo(carol.id());

        // peer outside the room
        Rooms other = rooms;
        String otherRoom = other.newRoom();
        Participant stranger = other.add(otherRoom, "stranger", "en", "en", false);
        FakeConnection strangerConn = new FakeConnection();
        a.handler().onOpen(strangerConn, other.claims(otherRoom, stranger));
        alice.send("{\"type\":\"offer\",\"to\":\"" + stranger.participantId() + "\",\"sdp\":\"x\"}");
        assertThat(alice.next("error").path("code").asString()).isEqualTo("unknown_peer");
        assertThat(strangerConn.drain("offer", Duration.ofMillis(200))).isEmpty();
        assertThat(alice.conn().isOpen()).isTrue();

        // metered: the ice sent to bob, a relay latency per delivered relay on the replica that delivered it, the
        // refused relay as dropped
        assertThat(count(a, "babelcall.signaling.messages.out", "type", "ice") - iceOut).isEqualTo(2);
        assertThat(relaysTimed(a) - relaysTimedA).isEqualTo(3); // ice to bob, answer and ice to alice
        assertThat(relaysTimed(b) - relaysTimedB).isEqualTo(1); // offer to carol
        assertThat(count(a, "babelcall.signaling.dropped", "cause", "unknown_peer") - unknownPeer).isEqualTo(1);
    }

    @Test
    void chatReachesTheWholeRoomWithServerIdAndTimestamp() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        Client carol = join(b, "carol");
        bob.send("{\"type\":\"chat\",\"text\":\"hola a todos\"}");
        for (Client c : List.of(alice, bob, carol)) {
            JsonNode chat = c.next("chat");
            assertThat(chat.path("from").asString()).isEqualTo(bob.id());
            assertThat(chat.path("text").asString()).isEqualTo("hola a todos");
            assertThat(chat.path("id").asString()).isNotBlank();
            assertThat(chat.path("ts").asString()).contains("T");
        }
        bob.send("{\"type\":\"chat\",\"text\":\"" + "x".repeat(2001) + "\"}");
        assertThat(bob.next("error").path("code").asString()).isEqualTo("invalid_field");
        bob.send("{\"type\":\"chat\"}");
        assertThat(bob.next("error").path("code").asString()).isEqualTo("missing_field");
        bob.send("{\"type\":\"chat\",\"text\":\"" + "y".repeat(2000) + "\"}");
        assertThat(carol.next("chat").path("text").asString()).hasSize(2000);
    }

    @Test
    void badInputGetsAnErrorAndTheConnectionStaysWhileOthersAreUnaffected() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        Map<String, String> cases = new HashMap<>();
        cases.put("{not json", "invalid_json");
        cases.put("", "invalid_json");
        cases.put("[1,2]", "invalid_json");
        cases.put("{\"type\":\"ping\"} trailing", "invalid_json");
        cases.put("{\"type\":\"media\",\"audio\":\"loud\"}", "invalid_field");
        cases.put("{\"type\":\"teleport\"}", "unknown_type");
        cases.put("{\"to\":\"x\"}", "missing_field");
        cases.put("{\"type\":\"offer\",\"sdp\":\"v=0\"}", "missing_field");
        cases.put("{\"type\":\"offer\",\"to\":\"" + bob.id() + "\"}", "missing_field");
        cases.put("{\"type\":\"ice\",\"to\":\"" + alice.id() + "\",\"candidate\":null}", "invalid_field");
        cases.put("{\"type\":\"language\",\"captionLanguage\":\"klingon!\"}", "invalid_field");
        cases.put("{\"type\":\"language\"}", "missing_field");
        cases.put("{\"type\":\"media\"}", "missing_field");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            alice.send(c.getKey());
            JsonNode error = alice.next("error");
            assertThat(error.path("code").asString()).as("answer to %s", c.getKey()).isEqualTo(c.getValue());
            assertThat(error.path("message").asString()).isNotBlank();
            assertThat(alice.conn().isOpen()).isTrue();
            bob.send("{\"type\":\"ice\",\"to\":\"" + alice.id() + "\",\"candidate\":null}");
            assertThat(alice.next("ice").path("from").asString()).isEqualTo(bob.id());
        }
        alice.handler().onBinary(alice.session());
        assertThat(alice.next("error").path("code").asString()).isEqualTo("binary_not_supported");
        alice.send("{\"type\":\"ping\",\"ts\":42}");
        assertThat(alice.next("pong").path("ts").asLong()).isEqualTo(42);
        assertThat(alice.conn().isOpen()).isTrue();
        assertThat(a.registry().get("babelcall.signaling.messages.in").tag("type", "invalid").counter().count())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void floodGetsAnErrorThenClose1008AndTooBigCloses1009() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        long t = System.nanoTime();
        for (int i = 0; i < 150 && alice.conn().isOpen(); i++) {
            alice.handler().onText(alice.session(), "{\"type\":\"ping\"}", t); // all at once: only the burst passes
        }
        assertThat(alice.conn().drain("pong", Duration.ofMillis(50))).hasSize(100);
        assertThat(alice.conn().closeCode).isEqualTo(CloseCodes.POLICY);
        bob.send("{\"type\":\"ping\",\"ts\":1}");
        assertThat(bob.next("pong").path("ts").asLong()).isEqualTo(1);

        bob.handler().onTooBig(bob.session());
        assertThat(bob.conn().closeCode).isEqualTo(CloseCodes.TOO_BIG);
        assertThat(a.registry().get("babelcall.signaling.closed").tag("cause", "rate_limit").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void rateLimitAllowsTheSustainedRate() {
        Client alice = join(a, "alice");
        long t = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            // 300 messages over 6 simulated seconds = 50/s
            alice.handler().onText(alice.session(), "{\"type\":\"ping\"}", t + i * 20_000_000L);
        }
        assertThat(alice.conn().isOpen()).isTrue();
        assertThat(alice.conn().drain("pong", Duration.ofMillis(50))).hasSize(300);
    }

    @Test
    void mediaAndLanguageUpdatesAreBroadcastAndStoredInRedis() {
        Client alice = join(a, "alice");
        Client bob = join(b, "bob", "en", "en", false);
        alice.send("{\"type\":\"media\",\"audio\":true,\"video\":false}");
        for (Client c : List.of(alice, bob)) {
            JsonNode u = c.next("peer-updated");
            assertThat(u.path("peer").path("participantId").asString()).isEqualTo(alice.id());
            assertThat(u.path("peer").path("audio").asBoolean()).isTrue();
            assertThat(u.path("peer").path("video").asBoolean()).isFalse();
        }
        assertThat(rooms.redis.hget(RedisKeys.presence(room), alice.id())).contains("\"audio\":true");

        bob.send("{\"type\":\"language\",\"spokenLanguage\":\"es\",\"captionLanguage\":\"vi\",\"dubbing\":true}");
        JsonNode u = alice.next("peer-updated");
        assertThat(u.path("peer").path("captionLanguage").asString()).isEqualTo("vi");
        assertThat(u.path("peer").path("spokenLanguage").asString()).isEqualTo("es");
        assertThat(u.path("peer").path("dubbing").asBoolean()).isTrue();
        Participant stored = rooms.stored(room, bob.id());
        assertThat(stored.captionLanguage().value()).isEqualTo("vi");
        assertThat(stored.spokenLanguage().value()).isEqualTo("es");
        assertThat(stored.dubbing()).isTrue();
        assertThat(stored.displayName()).isEqualTo("bob");
    }
}

package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.metrics.SignalingMetrics;
import io.babelcall.signaling.presence.PresenceStore;
import io.babelcall.signaling.redis.SignalingRedis;
import io.babelcall.signaling.relay.ReplicaBus;
import io.babelcall.signaling.support.FakeConnection;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.testsupport.RedisServerExtension;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The signaling logic through {@link SignalingEvents} with fake connections (no sockets), as two replicas sharing a
 * real Redis.
 */
@ExtendWith(RedisServerExtension.class)
class SignalingHandlerTests {

    static final Duration GRACE = Duration.ofMillis(800);
    static final List<AutoCloseable> closers = new ArrayList<>();
    static Rooms rooms;
    static RedisClient client;
    static Replica a;
    static Replica b;

    record Replica(SignalingHandler handler, PresenceStore store, ReplicaBus bus, SimpleMeterRegistry registry) {
    }

    String room;

    @BeforeAll
    static void start() {
        rooms = new Rooms(RedisServerExtension.redisUrl());
        client = RedisClient.create(RedisServerExtension.redisUrl());
        a = replica("test-a-" + System.nanoTime(), Duration.ofHours(1));
        b = replica("test-b-" + System.nanoTime(), Duration.ofHours(1));
    }

    static Replica replica(String id, Duration alive) {
        SignalingProperties d = SignalingProperties.defaults();
        SignalingProperties props = new SignalingProperties(d.allowedOrigins(), d.maxMessageBytes(),
                d.maxSockets(), d.frameWorkers(), d.rateLimit(), GRACE, d.heartbeat(),
                // a replica is confirmed dead after its key has been missing for 1 s (10 s in production)
                new SignalingProperties.Presence(Duration.ofSeconds(1), d.presence().refreshInterval(),
                        d.presence().sweepInterval()),
                d.send(), d.roomTtl(), d.roomTtlRefresh(), d.captionStaleAfter(), id);
        PresenceStore store = new PresenceStore(SignalingRedis.server(client).connect(), Rooms.JSON, id, props.roomTtl());
        ReplicaBus bus = new ReplicaBus(SignalingRedis.server(client), id);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SignalingHandler handler = new SignalingHandler(props, store, bus, new SignalingMetrics(registry), Rooms.JSON,
                Clock.systemUTC());
        store.replicaAlive(alive);
        closers.add(bus::close);
        closers.add(store::close);
        return new Replica(handler, store, bus, registry);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : closers) {
            c.close();
        }
        client.shutdown();
        rooms.close();
    }

    @BeforeEach
    void newRoom() {
        room = rooms.newRoom();
    }

    /** A connected participant: its session and fake socket. */
    record Client(Participant p, LocalSession session, FakeConnection conn, SignalingHandler handler) {

        String id() {
            return p.participantId();
        }

        void send(String json) {
            handler.onText(session, json, System.nanoTime());
        }

        JsonNode next(String type) {
            return conn.next(type);
        }
    }

    Client join(Replica r, Participant p) {
        FakeConnection conn = new FakeConnection();
        LocalSession s = r.handler().onOpen(conn, rooms.claims(room, p));
        assertThat(s).as("session of " + p.displayName()).isNotNull();
        Client c = new Client(p, s, conn, r.handler());
        c.next("welcome");
        return c;
    }

    Client join(Replica r, String name, String spoken, String caption, boolean dubbing) {
        return join(r, rooms.add(room, name, spoken, caption, dubbing));
    }

    Client join(Replica r, String name) {
        return join(r, name, "en", "en", false);
    }

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

    private static double count(Replica r, String name, String tag, String value) {
        var c = r.registry().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    private static long relaysTimed(Replica r) {
        var t = r.registry().find("babelcall.signaling.relay.latency").timer();
        return t == null ? 0 : t.count();
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

    @Test
    void captionsHeldUpByAnOutageAreNotShownAsLive() {
        Client speaker = join(a, "speaker", "en", "es", false);
        Client es = join(b, "es", "es", "es", true);
        String sp = speaker.id();
        String old = Instant.now().minusSeconds(30).toString();
        String fresh = Instant.now().toString();
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\","
                + "\"seq\":1,\"language\":\"en\",\"text\":\"stale interim\",\"final\":false,\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\","
                + "\"seq\":2,\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"final tardio\",\"final\":true,"
                + "\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":3,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\",\"publishedAt\":\"" + old + "\"}");
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u2\","
                + "\"seq\":4,\"language\":\"en\",\"text\":\"live\",\"final\":false,\"publishedAt\":\"" + fresh + "\"}");
        List<JsonNode> got = es.conn().all(Duration.ofMillis(300));
        assertThat(texts(ofType(got, "transcript"))).containsExactly("live");
        assertThat(ofType(got, "translation")).singleElement()
                .satisfies(t -> assertThat(t.path("late").asBoolean()).isTrue());
        assertThat(ofType(got, "dub")).isEmpty();
        assertThat(count(b, "babelcall.signaling.dropped", "cause", "stale")).isEqualTo(2);
    }

    @Test
    void anUtteranceThatCannotFinishIsAnnouncedToEveryoneInTheRoomUnchanged() {
        Client speaker = join(a, "speaker", "en", "en", false);
        Client es = join(b, "es", "es", "es", true);
        String status = "{\"type\":\"caption-status\",\"speaker\":\"" + speaker.id() + "\",\"utteranceId\":\"u7\","
                + "\"seq\":5,\"state\":\"failed\",\"reason\":\"recognizer timed out\"}";
        rooms.publishEvent(room, status);
        for (Client c : List.of(speaker, es)) {
            JsonNode got = c.conn().next("caption-status");
            assertThat(got.path("utteranceId").asString()).isEqualTo("u7");
            assertThat(got.path("state").asString()).isEqualTo("failed");
            assertThat(got.path("reason").asString()).isEqualTo("recognizer timed out");
        }
    }

    @Test
    void captionsReachEachListenerInItsLanguageOnly() {
        Client speaker = join(a, "speaker", "en", "en", false);
        Client es = join(a, "es", "es", "es", false);
        Client vi = join(b, "vi", "vi", "vi", true);
        Client esDub = join(b, "esdub", "es", "es", true);
        String sp = speaker.id();
        rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":1,"
                + "\"language\":\"en\",\"text\":\"hello\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":2,"
                + "\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"hola\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":3,"
                + "\"sourceLanguage\":\"en\",\"language\":\"vi\",\"text\":\"xin chao\",\"final\":true}");
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":4,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\"}");
        rooms.publishEvent(room, "{\"type\":\"caption-status\",\"speaker\":\"" + sp + "\",\"state\":\"ok\"}");
        rooms.publishEvent(room, "{\"type\":\"bogus\",\"speaker\":\"" + sp + "\"}");

        Map<Client, List<JsonNode>> got = new HashMap<>();
        for (Client c : List.of(speaker, es, vi, esDub)) {
            got.put(c, c.conn().all(Duration.ofMillis(200)));
            assertThat(texts(ofType(got.get(c), "transcript"))).containsExactly("hello");
            assertThat(ofType(got.get(c), "caption-status")).hasSize(1);
        }
        assertThat(texts(ofType(got.get(es), "translation"))).containsExactly("hola");
        assertThat(texts(ofType(got.get(esDub), "translation"))).containsExactly("hola");
        assertThat(texts(ofType(got.get(vi), "translation"))).containsExactly("xin chao");
        assertThat(ofType(got.get(speaker), "translation")).isEmpty();
        // dub 'es': only the listener with dubbing on in Spanish
        assertThat(ofType(got.get(esDub), "dub")).hasSize(1);
        assertThat(ofType(got.get(es), "dub")).isEmpty();
        assertThat(ofType(got.get(vi), "dub")).isEmpty();
        assertThat(ofType(got.get(speaker), "dub")).isEmpty();
        // events are delivered unchanged, in publication order
        assertThat(got.get(esDub).stream().map(n -> n.path("type").asString()).toList())
                .containsExactly("transcript", "translation", "dub", "caption-status");

        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u1\",\"seq\":4,"
                + "\"language\":\"es\",\"url\":\"/api/v1/audio/x\"}");
        assertThat(esDub.next("dub").path("url").asString()).isEqualTo("/api/v1/audio/x");
        assertThat(es.conn().drain("dub", Duration.ofMillis(150))).isEmpty(); // dubbing off
        assertThat(vi.conn().drain("dub", Duration.ofMillis(50))).isEmpty(); // other language
        // a speaker never gets the dub of their own speech, even in their dubbing language
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + esDub.id() + "\",\"utteranceId\":\"u9\","
                + "\"seq\":1,\"language\":\"es\",\"url\":\"/api/v1/audio/own\"}");
        assertThat(esDub.conn().drain("dub", Duration.ofMillis(200))).isEmpty();

        // the listener's current language counts
        es.send("{\"type\":\"language\",\"captionLanguage\":\"vi\"}");
        es.next("peer-updated");
        rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u2\",\"seq\":5,"
                + "\"sourceLanguage\":\"en\",\"language\":\"vi\",\"text\":\"tam biet\",\"final\":true}");
        assertThat(es.next("translation").path("text").asString()).isEqualTo("tam biet");
    }

    @Test
    void captionsKeepPerSpeakerOrder() {
        Client one = join(a, "one");
        Client two = join(b, "two");
        for (int seq = 1; seq <= 300; seq++) {
            for (String speaker : List.of(one.id(), two.id())) {
                rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + speaker + "\",\"utteranceId\":\"u"
                        + (seq / 10) + "\",\"seq\":" + seq + ",\"language\":\"en\",\"text\":\"w" + seq
                        + "\",\"final\":false}");
            }
        }
        for (Client listener : List.of(one, two)) {
            List<JsonNode> got = listener.conn().drain("transcript", Duration.ofMillis(300));
            assertThat(got).hasSize(600);
            Map<String, Long> last = new HashMap<>();
            for (JsonNode n : got) {
                long prev = last.getOrDefault(n.path("speaker").asString(), 0L);
                assertThat(n.path("seq").asLong()).isEqualTo(prev + 1);
                last.put(n.path("speaker").asString(), n.path("seq").asLong());
            }
        }
    }

    @Test
    void reconnectWithinGraceKeepsIdentityOnAnyReplica() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        alice.next("peer-joined");
        bob.send("{\"type\":\"media\",\"audio\":true,\"video\":true}");
        alice.next("peer-updated");
        bob.handler().onClose(bob.session(), 1006);

        FakeConnection again = new FakeConnection();
        LocalSession s = b.handler().onOpen(again, rooms.claims(room, bob.p()));
        assertThat(s).isNotNull();
        JsonNode welcome = again.next("welcome");
        assertThat(welcome.path("self").path("participantId").asString()).isEqualTo(bob.id());
        assertThat(welcome.path("self").path("audio").asBoolean()).isTrue(); // media state survived
        JsonNode updated = alice.next("peer-updated");
        assertThat(updated.path("peer").path("participantId").asString()).isEqualTo(bob.id());
        // well past the grace: no leave, no join, still listed
        List<JsonNode> left = alice.conn().drain("peer-left", GRACE.plusMillis(700));
        assertThat(left).isEmpty();
        assertThat(rooms.stored(room, bob.id())).isNotNull();
    }

    @Test
    void closedWithoutReconnectLeavesAfterTheGraceAndIsRemoved() {
        Client alice = join(a, "alice");
        Client bob = join(b, "bob");
        bob.handler().onClose(bob.session(), 1006);
        assertThat(alice.conn().drain("peer-left", GRACE.minusMillis(300))).isEmpty();
        JsonNode left = alice.next("peer-left");
        assertThat(left.path("participantId").asString()).isEqualTo(bob.id());
        assertThat(left.path("reason").asString()).isEqualTo("closed");
        assertThat(rooms.stored(room, bob.id())).isNull();
        FakeConnection late = new FakeConnection();
        assertThat(a.handler().onOpen(late, rooms.claims(room, bob.p()))).isNull();
        assertThat(late.closeCode).isEqualTo(CloseCodes.REMOVED);
    }

    @Test
    void aSocketSilentPastTheHeartbeatTimeoutIsClosed4001AndReportedLeftAfterTheGrace() {
        Client alice = join(a, "alice");
        Client bob = join(b, "bob");
        // bob's last frame (message or pong) is older than the heartbeat timeout; alice's is fresh
        bob.session().lastInboundNanos = System.nanoTime()
                - SignalingProperties.defaults().heartbeat().timeout().toNanos() - 1;
        int alicePings = alice.conn().pings.get();
        a.handler().heartbeatTick();
        b.handler().heartbeatTick();

        assertThat(alice.conn().pings.get()).isGreaterThan(alicePings);
        assertThat(alice.conn().closeCode).isEqualTo(-1);
        assertThat(bob.conn().closeCode).isEqualTo(CloseCodes.HEARTBEAT_TIMEOUT);
        assertThat(b.registry().get("babelcall.signaling.closed").tag("cause", "heartbeat").counter().count())
                .isGreaterThanOrEqualTo(1);
        b.handler().onClose(bob.session(), CloseCodes.HEARTBEAT_TIMEOUT); // as the container reports the close
        JsonNode left = alice.next("peer-left");
        assertThat(left.path("participantId").asString()).isEqualTo(bob.id());
        assertThat(left.path("reason").asString()).isEqualTo("timeout");
        assertThat(rooms.stored(room, bob.id())).isNull();
    }

    @Test
    void leaveIsImmediateAndRemovesTheParticipant() {
        Client alice = join(a, "alice");
        Client bob = join(b, "bob");
        bob.send("{\"type\":\"leave\"}");
        JsonNode left = alice.next("peer-left");
        assertThat(left.path("participantId").asString()).isEqualTo(bob.id());
        assertThat(left.path("reason").asString()).isEqualTo("leave");
        assertThat(bob.conn().closeCode).isEqualTo(CloseCodes.NORMAL);
        bob.handler().onClose(bob.session(), 1000);
        assertThat(rooms.stored(room, bob.id())).isNull();
        assertThat(rooms.redis.hget(RedisKeys.presence(room), bob.id())).isNull();
    }

    @Test
    void participantsOfADeadReplicaAreSweptWithoutGhosts() {
        Replica doomed = replica("test-doomed-" + System.nanoTime(), Duration.ofMillis(200));
        Client alice = join(a, "alice");
        Client carol = join(doomed, "carol");
        alice.next("peer-joined");
        // the doomed replica stops refreshing its liveness key (as if crashed); nothing is closed gracefully
        await().atMost(Duration.ofSeconds(3)).until(() -> a.store().deadReplicas().contains(doomed.bus().replicaId()));
        b.handler().sweepTick();
        // a missing key alone is no proof (it could have expired in a Redis outage): not swept on first sight...
        assertThat(alice.conn().all(Duration.ofMillis(200))).noneMatch(n -> "peer-left".equals(n.path("type").asString()));
        assertThat(rooms.stored(room, carol.id())).isNotNull();
        // ...but once it has stayed missing for the confirmation window while Redis worked
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            b.handler().sweepTick();
            return rooms.stored(room, carol.id()) == null;
        });
        JsonNode left = alice.next("peer-left");
        assertThat(left.path("participantId").asString()).isEqualTo(carol.id());
        assertThat(left.path("reason").asString()).isEqualTo("timeout");
        assertThat(rooms.stored(room, carol.id())).isNull();
        assertThat(rooms.redis.hget(RedisKeys.presence(room), carol.id())).isNull();
        assertThat(rooms.redis.sismember(RedisKeys.SIGNALING_REPLICAS, doomed.bus().replicaId())).isFalse();
        // a newcomer does not see a ghost
        FakeConnection dave = new FakeConnection();
        a.handler().onOpen(dave, rooms.claims(room, rooms.add(room, "dave", "en", "en", false)));
        JsonNode welcome = dave.next("welcome");
        assertThat(welcome.path("peers")).hasSize(1);
        assertThat(welcome.path("peers").get(0).path("participantId").asString()).isEqualTo(alice.id());
    }

    @Test
    void participantRemovedByTheApiIsClosedAndReportedLeft() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        rooms.redis.hdel(RedisKeys.participants(room), bob.id());
        a.handler().sweepTick();
        assertThat(bob.conn().closeCode).isEqualTo(CloseCodes.REMOVED);
        JsonNode left = alice.next("peer-left");
        assertThat(left.path("participantId").asString()).isEqualTo(bob.id());
        assertThat(left.path("reason").asString()).isEqualTo("removed");
    }

    @Test
    void aSecondConnectionOfTheSameParticipantReplacesTheFirst() {
        Client alice = join(a, "alice");
        Client bob = join(a, "bob");
        FakeConnection second = new FakeConnection();
        assertThat(b.handler().onOpen(second, rooms.claims(room, bob.p()))).isNotNull();
        second.next("welcome");
        await().atMost(Duration.ofSeconds(3)).until(() -> bob.conn().closeCode == CloseCodes.REPLACED);
        assertThat(alice.next("peer-updated").path("peer").path("participantId").asString()).isEqualTo(bob.id());
        bob.handler().onClose(bob.session(), CloseCodes.REPLACED);
        alice.send("{\"type\":\"ice\",\"to\":\"" + bob.id() + "\",\"candidate\":null}");
        assertThat(second.next("ice").path("from").asString()).isEqualTo(alice.id());
        assertThat(alice.conn().drain("peer-left", GRACE.plusMillis(300))).isEmpty();
    }

    private static List<JsonNode> ofType(List<JsonNode> nodes, String type) {
        return nodes.stream().filter(n -> type.equals(n.path("type").asString())).toList();
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(n -> n.path("text").asString()).toList();
    }
}

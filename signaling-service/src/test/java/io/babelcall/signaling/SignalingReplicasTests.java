package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.signaling.transport.FrameWorkers;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Two signaling replicas (two Spring contexts on random ports) sharing one real Redis, driven by real WebSocket
 * clients. Timings are shortened (grace 2 s, replica TTL 2 s, sweep 0.5 s); the defaults are in application.yml.
 */
@ExtendWith(RedisServerExtension.class)
class SignalingReplicasTests {

    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static Rooms rooms;
    String room;

    static ConfigurableApplicationContext replica(String... extraArgs) {
        // As command-line arguments: they override application.yml (default properties would not).
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.data.redis.url=" + RedisServerExtension.redisUrl(),
                "--babelcall.token.secret=" + Rooms.SECRET,
                "--babelcall.signaling.reconnect-grace=2s",
                "--babelcall.signaling.presence.replica-ttl=2s",
                "--babelcall.signaling.presence.refresh-interval=500ms",
                "--babelcall.signaling.presence.sweep-interval=500ms",
                "--babelcall.signaling.send.buffer-chars=262144",
                "--babelcall.signaling.send.time-limit=2s",
                "--babelcall.signaling.frame-workers=2",
                "--spring.lifecycle.timeout-per-shutdown-phase=5s",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(extraArgs));
        return new SpringApplicationBuilder(SignalingApplication.class).run(args.toArray(String[]::new));
    }

    @BeforeAll
    static void start() {
        rooms = new Rooms(RedisServerExtension.redisUrl());
        a = replica();
        b = replica();
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        rooms.close();
    }

    @BeforeEach
    void newRoom() {
        room = rooms.newRoom();
    }

    static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port"));
    }

    static URI ws(ConfigurableApplicationContext ctx, String token) {
        return URI.create("ws://127.0.0.1:" + port(ctx) + "/ws" + (token == null ? "" : "?access_token=" + token));
    }

    WsClient join(ConfigurableApplicationContext ctx, Participant p) {
        WsClient c = WsClient.connect(ws(ctx, rooms.token(room, p)));
        assertThat(c.next("welcome").path("self").path("participantId").asString()).isEqualTo(p.participantId());
        return c;
    }

    Participant add(String name) {
        return rooms.add(room, name, "en", "en", false);
    }

    static double counter(ConfigurableApplicationContext ctx, String name, String tag, String value) {
        var c = Search.in(ctx.getBean(MeterRegistry.class)).name(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void handshakeRefusesBadTokensWith401AndUnlistedParticipantsWith403() {
        Participant alice = add("alice");
        String otherRoom = rooms.newRoom();
        assertThat(WsClient.refusal(ws(a, null), null)).isEqualTo(401);
        assertThat(WsClient.refusal(ws(a, "not.a.jwt"), null)).isEqualTo(401);
        ParticipantTokens forger = new ParticipantTokens("another-secret-another-secret-another-secret", Clock.systemUTC());
        assertThat(WsClient.refusal(ws(a, forger.sign(rooms.claims(room, alice))), null)).isEqualTo(401);
        String expired = rooms.tokens.sign(rooms.claims(room, alice, Duration.ofSeconds(-5)));
        assertThat(WsClient.refusal(ws(a, expired), null)).isEqualTo(401);
        // a valid token for a room that does not list this participant
        assertThat(WsClient.refusal(ws(a, rooms.token(otherRoom, alice)), null)).isEqualTo(403);
        // a browser origin that is not allowed
        assertThat(WsClient.refusal(ws(a, rooms.token(room, alice)), "http://evil.example")).isEqualTo(403);
        // the subprotocol form is accepted and answered with 'bearer'; an allowed origin passes
        WsClient ok = WsClient.connect(ws(b, null), true, "http://localhost:8080", "bearer", rooms.token(room, alice));
        assertThat(ok.ws.getSubprotocol()).isEqualTo("bearer");
        assertThat(ok.next("welcome").path("self").path("participantId").asString()).isEqualTo(alice.participantId());
        ok.close();
        // ... and checked the same way: a forged or expired bearer entry is refused
        assertThat(WsClient.refusal(ws(b, null), null, "bearer", forger.sign(rooms.claims(room, alice)))).isEqualTo(401);
        assertThat(WsClient.refusal(ws(b, null), null, "bearer", expired)).isEqualTo(401);
        // removed from the room (as the api does on DELETE): refused
        Participant bob = add("bob");
        String bobToken = rooms.token(room, bob);
        rooms.redis.hdel(RedisKeys.participants(room), bob.participantId());
        assertThat(WsClient.refusal(ws(a, bobToken), null)).isEqualTo(403);
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "invalid_token")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void clientsOnDifferentReplicasExchangeOfferAnswerIceAndChat() {
        Participant aliceP = add("alice");
        Participant bobP = add("bob");
        WsClient alice = join(a, aliceP);
        WsClient bob = join(b, bobP);
        assertThat(alice.next("peer-joined").path("peer").path("participantId").asString())
                .isEqualTo(bobP.participantId());

        bob.send("{\"type\":\"offer\",\"to\":\"" + aliceP.participantId() + "\",\"sdp\":\"v=0 offer\"}");
        JsonNode offer = alice.next("offer");
        assertThat(offer.path("from").asString()).isEqualTo(bobP.participantId());
        assertThat(offer.path("sdp").asString()).isEqualTo("v=0 offer");
        alice.send("{\"type\":\"answer\",\"to\":\"" + bobP.participantId() + "\",\"sdp\":\"v=0 answer\"}");
        assertThat(bob.next("answer").path("from").asString()).isEqualTo(aliceP.participantId());
        for (int i = 0; i < 20; i++) {
            alice.send("{\"type\":\"ice\",\"to\":\"" + bobP.participantId() + "\",\"candidate\":{\"candidate\":\"c" + i
                    + "\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
        }
        for (int i = 0; i < 20; i++) {
            assertThat(bob.next("ice").path("candidate").path("candidate").asString()).isEqualTo("c" + i);
        }
        // one-, two-, three- and four-byte UTF-8 characters come back exactly
        String hello = "hi bob, xin chào, 你好 👋";
        alice.send("{\"type\":\"chat\",\"text\":\"" + hello + "\"}");
        for (WsClient c : List.of(alice, bob)) {
            JsonNode chat = c.next("chat");
            assertThat(chat.path("text").asString()).isEqualTo(hello);
            assertThat(chat.path("from").asString()).isEqualTo(aliceP.participantId());
            assertThat(chat.path("id").asString()).isNotBlank();
        }
        alice.send("{\"type\":\"leave\"}");
        assertThat(alice.awaitClose()).isEqualTo(1000);
        JsonNode left = bob.next("peer-left");
        assertThat(left.path("reason").asString()).isEqualTo("leave");
        assertThat(rooms.stored(room, aliceP.participantId())).isNull();
        bob.close();
    }

    @Test
    void captionsAreFilteredPerListenerLanguageOnEveryReplica() {
        Participant speakerP = rooms.add(room, "speaker", "en", "en", false);
        WsClient speaker = join(a, speakerP);
        WsClient es = join(a, rooms.add(room, "es", "es", "es", false));
        WsClient vi = join(b, rooms.add(room, "vi", "vi", "vi", true));
        String sp = speakerP.participantId();
        for (int seq = 1; seq <= 50; seq++) {
            rooms.publishEvent(room, "{\"type\":\"transcript\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u\",\"seq\":"
                    + (3 * seq - 2) + ",\"language\":\"en\",\"text\":\"t" + seq + "\",\"final\":false}");
            rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u\",\"seq\":"
                    + (3 * seq - 1) + ",\"sourceLanguage\":\"en\",\"language\":\"es\",\"text\":\"es" + seq
                    + "\",\"final\":false}");
            rooms.publishEvent(room, "{\"type\":\"translation\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u\",\"seq\":"
                    + (3 * seq) + ",\"sourceLanguage\":\"en\",\"language\":\"vi\",\"text\":\"vi" + seq
                    + "\",\"final\":false}");
        }
        rooms.publishEvent(room, "{\"type\":\"dub\",\"speaker\":\"" + sp + "\",\"utteranceId\":\"u\",\"seq\":151,"
                + "\"language\":\"vi\",\"url\":\"/api/v1/audio/a1\"}");
        assertCaptions(speaker.all(Duration.ofMillis(500)), null, false);
        assertCaptions(es.all(Duration.ofMillis(100)), "es", false);
        assertCaptions(vi.all(Duration.ofMillis(100)), "vi", true);
    }

    private static void assertCaptions(List<JsonNode> got, String lang, boolean dub) {
        List<JsonNode> captions = got.stream()
                .filter(n -> List.of("transcript", "translation", "dub").contains(n.path("type").asString())).toList();
        assertThat(captions).hasSize(50 + (lang == null ? 0 : 50) + (dub ? 1 : 0));
        long last = 0;
        for (JsonNode n : captions) {
            assertThat(n.path("seq").asLong()).isGreaterThan(last); // per-speaker order preserved
            last = n.path("seq").asLong();
            if (n.path("type").asString().equals("translation")) {
                assertThat(n.path("language").asString()).isEqualTo(lang);
            }
        }
    }

    @Test
    void badInputGetsItsAnswerWhileAnotherClientsTrafficIsUnaffected() throws Exception {
        Participant aliceP = add("alice");
        Participant bobP = add("bob");
        Participant carolP = add("carol");
        WsClient alice = join(a, aliceP);
        WsClient bob = join(a, bobP);
        WsClient carol = join(b, carolP);
        // a client relays to ids it learned from the server: wait until bob's replica has announced carol
        bob.next("peer-joined", n -> n.path("peer").path("participantId").asString().equals(carolP.participantId()),
                Duration.ofSeconds(5));
        AtomicBoolean running = new AtomicBoolean(true);
        // bob keeps relaying to carol (across replicas) throughout
        CompletableFuture<Integer> bobTraffic = CompletableFuture.supplyAsync(() -> {
            int sent = 0;
            while (running.get()) {
                bob.send("{\"type\":\"ice\",\"to\":\"" + carolP.participantId() + "\",\"candidate\":{\"candidate\":\"b"
                        + sent + "\"}}");
                sent++;
                sleep(40);
            }
            return sent;
        });

        alice.send("{oops");
        assertThat(alice.next("error").path("code").asString()).isEqualTo("invalid_json");
        alice.send("{\"type\":\"warp\"}");
        assertThat(alice.next("error").path("code").asString()).isEqualTo("unknown_type");
        alice.send("{\"type\":\"offer\",\"sdp\":\"v=0\"}");
        assertThat(alice.next("error").path("code").asString()).isEqualTo("missing_field");
        alice.sendBinary(new byte[] {1, 2, 3});
        assertThat(alice.next("error").path("code").asString()).isEqualTo("binary_not_supported");
        // a message assembled from several container buffers but under the limit is fine
        alice.send("{\"type\":\"chat\",\"text\":\"" + "é".repeat(1500) + "\",\"pad\":\"" + "x".repeat(20000) + "\"}");
        assertThat(alice.next("chat").path("text").asString()).hasSize(1500);
        alice.send("{\"type\":\"ping\",\"ts\":7}");
        assertThat(alice.next("pong").path("ts").asLong()).isEqualTo(7);

        // > 64 KiB: 1009
        alice.send("{\"type\":\"chat\",\"text\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(alice.awaitClose()).isEqualTo(1009);

        // flood: error rate_limited, then 1008
        WsClient flooder = join(a, add("flooder"));
        for (int i = 0; i < 200 && !flooder.closed.isDone(); i++) {
            try { // one send outstanding at a time (the JDK client fails a second one at once), as fast as it goes
                flooder.ws.sendText("{\"type\":\"ping\"}", true).join();
            } catch (CompletionException closedByTheServer) {
                break;
            }
        }
        assertThat(flooder.next("error", n -> true, Duration.ofSeconds(5)).path("code").asString())
                .isEqualTo("rate_limited");
        assertThat(flooder.awaitClose()).isEqualTo(1008);

        running.set(false);
        int sent = bobTraffic.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < sent; i++) {
            assertThat(carol.next("ice").path("candidate").path("candidate").asString()).isEqualTo("b" + i);
        }
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "too_big")).isGreaterThanOrEqualTo(1);
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "rate_limit")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStuckClientIsClosedAloneAndOthersKeepReceiving() {
        Participant senderP = add("sender");
        Participant stuckP = add("stuck");
        Participant carolP = add("carol");
        WsClient sender = join(a, senderP);
        WsClient stuck = WsClient.connect(ws(a, rooms.token(room, stuckP)), false, null); // never reads
        WsClient carol = join(b, carolP);
        sender.next("peer-joined", n -> n.path("peer").path("participantId").asString().equals(carolP.participantId()),
                Duration.ofSeconds(5));
        double before = counter(a, "babelcall.signaling.closed", "cause", "slow_consumer");
        String big = "y".repeat(60_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int i = 0;
        while (counter(a, "babelcall.signaling.closed", "cause", "slow_consumer") == before
                && System.nanoTime() < deadline) {
            sender.send("{\"type\":\"ice\",\"to\":\"" + stuckP.participantId() + "\",\"candidate\":{\"candidate\":\""
                    + big + "\"}}");
            if (++i % 10 == 0) {
                // meanwhile the room's other traffic flows promptly
                long t0 = System.nanoTime();
                sender.send("{\"type\":\"ice\",\"to\":\"" + carolP.participantId() + "\",\"candidate\":{\"candidate\":\"n"
                        + i + "\"}}");
                final int n = i;
                carol.next("ice", m -> m.path("candidate").path("candidate").asString().equals("n" + n),
                        Duration.ofSeconds(1));
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
            }
            sleep(i < 90 ? 0 : 25); // stay under the rate limit after the burst
        }
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "slow_consumer")).isGreaterThan(before);
        assertThat(sender.closed.isDone()).isFalse();
        stuck.close();
    }

    /**
     * Frames and handshakes run on the frame workers, off the event loops; frames that wait on a paused Redis (more of
     * them than there are frame workers) do not hold up a relay between two other sockets.
     */
    @Test
    void framesWaitingOnRedisDoNotHoldUpOtherSocketsRelays() throws Exception {
        FrameWorkers dispatch = a.getBean(FrameWorkers.class);
        long handshakes = dispatch.handshakesDispatched();
        long frames = dispatch.framesDispatched();
        List<Participant> updaters = List.of(add("u1"), add("u2"), add("u3")); // frame-workers=2 in these replicas
        Participant yP = add("y");
        Participant zP = add("z");
        List<WsClient> updating = updaters.stream().map(p -> join(a, p)).toList();
        WsClient y = join(a, yP);
        WsClient z = join(a, zP);
        assertThat(dispatch.handshakesDispatched() - handshakes).as("handshakes on the workers")
                .isGreaterThanOrEqualTo(5);
        long handshakesAfter = dispatch.handshakesDispatched();
        for (int i = 0; i < 20; i++) {
            y.send("{\"type\":\"ping\"}");
            y.next("pong");
        }
        // a turn on a worker handles whatever the socket's mailbox holds by then: between 1 and 20 turns for 20 pings
        assertThat(dispatch.framesDispatched() - frames).as("frames on the frame workers").isPositive();
        assertThat(dispatch.handshakesDispatched()).as("no frame counted as a handshake").isEqualTo(handshakesAfter);

        // Redis answers nobody for 1.5 s; each language update waits on it on a frame worker.
        rooms.redis.clientPause(1500); // 1.5 s: shorter than these replicas' 2 s liveness TTL
        long paused = System.nanoTime();
        for (WsClient u : updating) {
            u.send("{\"type\":\"language\",\"captionLanguage\":\"es\"}");
        }
        Thread.sleep(100); // let the updates reach Redis
        y.send("{\"type\":\"ice\",\"to\":\"" + zP.participantId()
                + "\",\"candidate\":{\"candidate\":\"during-pause\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
        assertThat(z.next("ice").path("candidate").path("candidate").asString()).isEqualTo("during-pause");
        assertThat(Duration.ofNanos(System.nanoTime() - paused)).as("relayed while Redis was paused")
                .isLessThan(Duration.ofMillis(1400));
        List<String> updated = new ArrayList<>();
        for (int i = 0; i < updaters.size(); i++) {
            JsonNode u = z.next("peer-updated", n -> true, Duration.ofSeconds(10));
            assertThat(u.path("peer").path("captionLanguage").asString()).isEqualTo("es");
            updated.add(u.path("peer").path("participantId").asString());
        }
        assertThat(updated)
                .containsExactlyInAnyOrderElementsOf(updaters.stream().map(Participant::participantId).toList());
        updating.forEach(WsClient::close);
        y.close();
        z.close();
    }

    @Test
    void reconnectWithinGraceKeepsIdentity() {
        Participant aliceP = add("alice");
        Participant bobP = add("bob");
        WsClient alice = join(a, aliceP);
        WsClient bob = join(a, bobP);
        alice.next("peer-joined");
        bob.close(); // network drop, no leave
        WsClient again = WsClient.connect(ws(b, rooms.token(room, bobP)));
        JsonNode welcome = again.next("welcome");
        assertThat(welcome.path("self").path("participantId").asString()).isEqualTo(bobP.participantId());
        assertThat(alice.next("peer-updated").path("peer").path("participantId").asString())
                .isEqualTo(bobP.participantId());
        List<JsonNode> after = alice.all(Duration.ofMillis(2500)); // longer than the 2 s grace
        assertThat(after).noneMatch(n -> n.path("type").asString().equals("peer-left"));
        assertThat(after).noneMatch(n -> n.path("type").asString().equals("peer-joined"));
        assertThat(rooms.stored(room, bobP.participantId())).isNotNull();
    }

    @Test
    void participantsOfAStoppedReplicaAreReportedLeftByTheSurvivor() {
        ConfigurableApplicationContext c = replica();
        Participant aliceP = add("alice");
        Participant daveP = add("dave");
        WsClient alice = join(a, aliceP);
        WsClient dave = join(c, daveP);
        alice.next("peer-joined");
        long t0 = System.nanoTime();
        c.close(); // no leave from dave; the replica goes away
        assertThat(dave.awaitClose()).isEqualTo(1012);
        JsonNode left = alice.next("peer-left", n -> true, Duration.ofSeconds(30));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(left.path("participantId").asString()).isEqualTo(daveP.participantId());
        assertThat(left.path("reason").asString()).isEqualTo("timeout");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(2)).until(() -> rooms.stored(room, daveP.participantId()) == null);
        assertThat(rooms.redis.hget(RedisKeys.presence(room), daveP.participantId())).isNull();
    }

    @Test
    void allowedOriginsComeFromConfiguration() {
        try (ConfigurableApplicationContext c = replica("--babelcall.signaling.allowed-origins=https://call.example.org")) {
            Participant alice = add("alice");
            assertThat(WsClient.refusal(ws(c, rooms.token(room, alice)), "http://localhost:8080")).isEqualTo(403);
            WsClient ok = WsClient.connect(ws(c, rooms.token(room, alice)), true, "https://call.example.org");
            assertThat(ok.next("welcome").path("self").path("participantId").asString())
                    .isEqualTo(alice.participantId());
            ok.close();
        }
    }

    @Test
    void aRollingUpdateLosesNoParticipantWhoReconnectsElsewhere() {
        ConfigurableApplicationContext c = replica();
        Participant aliceP = add("alice");
        Participant daveP = add("dave");
        Participant erinP = add("erin");
        WsClient alice = join(a, aliceP);
        WsClient dave = join(c, daveP);
        WsClient erin = join(c, erinP);
        alice.next("peer-joined");
        alice.next("peer-joined");
        c.close(); // SIGTERM of a rolling update
        assertThat(dave.awaitClose()).isEqualTo(1012);
        assertThat(erin.awaitClose()).isEqualTo(1012);
        // dave does what a client does on 1012: reconnect, here to the other replica; erin never comes back
        WsClient back = WsClient.connect(ws(b, rooms.token(room, daveP)));
        assertThat(back.next("welcome").path("self").path("participantId").asString())
                .isEqualTo(daveP.participantId());

        // the survivors' sweep of the stopped replica reports erin only
        JsonNode left = alice.next("peer-left", n -> true, Duration.ofSeconds(30));
        assertThat(left.path("participantId").asString()).isEqualTo(erinP.participantId());
        assertThat(alice.all(Duration.ofMillis(1500))).noneMatch(n -> n.path("type").asString().equals("peer-left"));
        assertThat(rooms.stored(room, daveP.participantId())).isNotNull();
        assertThat(rooms.stored(room, erinP.participantId())).isNull();
        // and the call goes on with dave on his new replica
        alice.send("{\"type\":\"offer\",\"to\":\"" + daveP.participantId() + "\",\"sdp\":\"v=0 again\"}");
        assertThat(back.next("offer").path("from").asString()).isEqualTo(aliceP.participantId());
        back.close();
        alice.close();
    }

    @Test
    void prometheusExposesTheSignalingMetrics() throws Exception {
        WsClient alice = join(a, add("alice"));
        alice.send("{\"type\":\"ping\"}");
        alice.next("pong");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(a) + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("babelcall_signaling_dispatched_total{", "executor_steals_total{",
                "babelcall_signaling_sessions{", "babelcall_signaling_messages_in_total{",
                "babelcall_signaling_messages_out_total{", "babelcall_signaling_relay_latency_seconds_bucket{",
                "babelcall_signaling_closed_total{", "babelcall_signaling_handshake_seconds_count{",
                "babelcall_signaling_outbound_queued_chars ");
        assertThat(r.body()).containsPattern("babelcall_signaling_handshake_seconds_count\\{[^}]*status=\"101\"");
        alice.close();
    }

    /** Browsers ask for permessage-deflate; granting it costs ~300 KB of zlib state per socket for tiny messages. */
    @Test
    void permessageDeflateThatBrowsersAskForIsDeclined() throws Exception {
        Participant alice = add("alice");
        try (Socket socket = new Socket("127.0.0.1", port(a))) {
            socket.setSoTimeout(5_000);
            String request = "GET /ws?access_token=" + rooms.token(room, alice) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port(a) + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            List<String> head = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line.toLowerCase(Locale.ROOT));
            }
            assertThat(head.get(0)).startsWith("http/1.1 101");
            assertThat(head).noneMatch(h -> h.startsWith("sec-websocket-extensions"));
        }
    }

    @Test
    void readinessIncludesRedisWithItsVersion() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port(b) + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode redis = Rooms.JSON.readTree(r.body()).path("components").path("redis");
        assertThat(redis.path("status").asString()).isEqualTo("UP");
        assertThat(redis.path("details").path("version").asString())
                .isEqualTo(rooms.redis.info("server").lines().filter(l -> l.startsWith("redis_version:"))
                        .map(l -> l.substring(14).strip()).findFirst().orElseThrow());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

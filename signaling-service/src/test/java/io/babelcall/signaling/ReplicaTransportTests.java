package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.common.token.ParticipantTokens;
import io.babelcall.signaling.transport.FrameWorkers;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
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
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * One replica's sockets over the wire: the handshake's refusals and origins, extensions declined, a stuck client,
 * frames waiting on Redis, and what the replica exposes (metrics, readiness).
 */
class ReplicaTransportTests extends ReplicaPairFixture {

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
}

package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.support.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** Calls across two replicas: relays, captions, bad input, reconnects, a replica stopping or rolling over. */
class SignalingReplicasTests extends ReplicaPairFixture {

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
        JsonNode unknown = alice.next("error");
        assertThat(unknown.path("code").asString()).isEqualTo("unknown_type");
        assertThat(unknown.path("message").asString()).contains("offer, ").contains("ping").contains("publish")
                .contains("subscribe-answer").contains("media-ice").contains("media-layers").doesNotContain("warp");
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
        // binary frames count too (each one is answered with an error)
        WsClient binaryFlooder = join(a, add("binary-flooder"));
        for (int i = 0; i < 200 && !binaryFlooder.closed.isDone(); i++) {
            try {
                binaryFlooder.ws.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
            } catch (CompletionException closedByTheServer) {
                break;
            }
        }
        assertThat(binaryFlooder.next("error", n -> n.path("code").asString().equals("rate_limited"),
                Duration.ofSeconds(5)).path("message").asString()).contains("messages/s");
        assertThat(binaryFlooder.awaitClose()).isEqualTo(1008);
        // pings too: each is answered, so they count (a lone ping gets its pong, echoing its data)
        WsClient pinger = join(a, add("pinger"));
        pinger.ws.sendPing(java.nio.ByteBuffer.wrap(new byte[] {7, 8})).join();
        assertThat(pinger.pongs.poll(5, TimeUnit.SECONDS)).isEqualTo(new byte[] {7, 8});
        for (int i = 0; i < 200 && !pinger.closed.isDone(); i++) {
            try {
                pinger.ws.sendPing(java.nio.ByteBuffer.wrap(new byte[] {1})).join();
            } catch (CompletionException closedByTheServer) {
                break;
            }
        }
        assertThat(pinger.next("error", n -> true, Duration.ofSeconds(5)).path("code").asString())
                .isEqualTo("rate_limited");
        assertThat(pinger.awaitClose()).isEqualTo(1008);

        running.set(false);
        int sent = bobTraffic.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < sent; i++) {
            assertThat(carol.next("ice").path("candidate").path("candidate").asString()).isEqualTo("b" + i);
        }
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "too_big")).isGreaterThanOrEqualTo(1);
        assertThat(counter(a, "babelcall.signaling.closed", "cause", "rate_limit")).isGreaterThanOrEqualTo(3);
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
}

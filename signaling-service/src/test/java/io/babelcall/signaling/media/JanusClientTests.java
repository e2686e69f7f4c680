package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.signaling.media.janus.JanusClient;
import io.babelcall.signaling.media.janus.JanusException;
import io.babelcall.signaling.media.janus.JanusHandleListener;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.testsupport.JanusServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The Janus client against a real Janus (Debian package), configured from deploy/janus. */
class JanusClientTests {

    static JanusServer janus;
    static ScheduledExecutorService timers;

    @BeforeAll
    static void start() {
        janus = JanusServer.start("41000-41099");
        timers = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterAll
    static void stop() {
        janus.stop();
        timers.shutdownNow();
    }

    JanusClient client(String secret) {
        return new JanusClient(URI.create(janus.wsUrl()), secret, Rooms.JSON, Duration.ofSeconds(5),
                Duration.ofSeconds(15), timers);
    }

    static final JanusHandleListener IGNORE = (data, jsep) -> { };

    @Test
    void aPublisherNegotiatesThroughAVideoRoomWithStringIds() {
        try (JanusClient c = client(janus.apiSecret()).connect().join()) {
            assertThat(c.sessionId()).isPositive();
            long handle = c.attach(JanusClient.VIDEOROOM, IGNORE).join();
            ObjectNode create = c.body("create").put("room", "room-a").put("admin_key", janus.adminKey())
                    .put("publishers", 50);
            assertThat(c.request(handle, create, null).join().data().path("room").asString()).isEqualTo("room-a");
            ObjectNode join = c.body("join").put("ptype", "publisher").put("room", "room-a").put("id", "p-alice")
                    .put("display", "Alice");
            JsonNode joined = c.request(handle, join, null).join().data();
            assertThat(joined.path("videoroom").asString()).isEqualTo("joined");
            assertThat(joined.path("id").asString()).isEqualTo("p-alice");
            ObjectNode offer = Rooms.JSON.createObjectNode().put("type", "offer")
                    .put("sdp", SyntheticSdp.publisherOffer());
            JanusClient.Reply published = c.request(handle, c.body("publish"), offer).join();
            assertThat(published.data().path("configured").asString()).isEqualTo("ok");
            assertThat(published.jsep().path("type").asString()).isEqualTo("answer");
            assertThat(published.jsep().path("sdp").asString()).contains("m=audio", "m=video", "a=recvonly");
            // the room and its member are listed; destroying it needs the admin key's room, not a secret
            JsonNode listed = c.request(handle, c.body("listparticipants").put("room", "room-a"), null).join().data();
            assertThat(listed.path("participants").get(0).path("id").asString()).isEqualTo("p-alice");
            assertThat(c.request(handle, c.body("destroy").put("room", "room-a"), null).join().data()
                    .path("videoroom").asString()).isEqualTo("destroyed");
        }
    }

    @Test
    void refusalsComeBackAsJanusExceptions() {
        try (JanusClient c = client(janus.apiSecret()).connect().join()) {
            long handle = c.attach(JanusClient.VIDEOROOM, IGNORE).join();
            // no admin key: rooms cannot be created by anyone who reaches the API
            assertThatThrownBy(() -> c.request(handle, c.body("create").put("room", "x"), null).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(JanusException.class);
            assertThatThrownBy(() -> c.request(handle, c.body("join").put("ptype", "publisher")
                    .put("room", "no-such-room"), null).join())
                    .hasCauseInstanceOf(JanusException.class).hasMessageContaining("426");
        }
    }

    @Test
    void aWrongApiSecretIsRefused() {
        assertThatThrownBy(() -> client("wrong").connect().join()).hasCauseInstanceOf(JanusException.class)
                .hasMessageContaining("403");
    }
}

package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.Participant;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.JsonLogCapture;
import io.babelcall.testsupport.RedisServerExtension;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * In the production log format (ECS JSON, as the stack sets it), socket lifecycle events carry the room and
 * participant ids as fields, and handshake refusals also the trace id of the HTTP upgrade request.
 */
@ExtendWith(RedisServerExtension.class)
class StructuredLogTests {

    @Test
    void socketLifecycleEventsNameTheRoomAndParticipant() {
        try (Rooms rooms = new Rooms(RedisServerExtension.redisUrl());
             ConfigurableApplicationContext replica = new SpringApplicationBuilder(SignalingApplication.class).run(
                     "--server.port=0",
                     "--spring.data.redis.url=" + RedisServerExtension.redisUrl(),
                     "--babelcall.token.secret=" + Rooms.SECRET,
                     "--spring.main.banner-mode=off");
             JsonLogCapture logs = JsonLogCapture.ecs()) {
            String port = replica.getEnvironment().getProperty("local.server.port");
            String room = rooms.newRoom();
            String otherRoom = rooms.newRoom();
            Participant ana = rooms.add(room, "ana", "en", "es", false);

            WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws?access_token="
                    + rooms.token(room, ana)));
            client.next("welcome"); // logged before the welcome is sent
            Map<String, Object> connected = logs.require("participant " + ana.participantId() + " connected");
            assertThat(connected).containsEntry("roomId", room).containsEntry("participantId", ana.participantId());
            assertThat(connected.get("service")).asInstanceOf(InstanceOfAssertFactories.MAP)
                    .containsEntry("name", "signaling-service");

            client.close();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    logs.require("participant " + ana.participantId() + " disconnected"))
                    .containsEntry("roomId", room).containsEntry("participantId", ana.participantId()));

            // a valid token for a room that does not list her: refused during the HTTP upgrade request, so traced
            assertThat(WsClient.refusal(URI.create("ws://127.0.0.1:" + port + "/ws?access_token="
                    + rooms.token(otherRoom, ana)), null)).isEqualTo(403);
            Map<String, Object> refused = logs.require("refused a signaling handshake: room " + otherRoom);
            assertThat(refused).containsEntry("roomId", otherRoom).containsEntry("participantId", ana.participantId());
            assertThat((String) refused.get("traceId")).matches("[0-9a-f]{32}");
        }
    }
}

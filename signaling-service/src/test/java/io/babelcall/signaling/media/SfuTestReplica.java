package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.signaling.SignalingApplication;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.JanusServer;
import io.babelcall.testsupport.RedisServerExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The SFU tests' signaling replica: real Redis, two Janus nodes ({@code node-1}, {@code node-2}) sharing secrets. */
final class SfuTestReplica {

    private SfuTestReplica() {
    }

    /** A replica with both nodes and {@code extra} arguments (e.g. shorter time-outs). */
    static ConfigurableApplicationContext start(JanusServer node1, JanusServer node2, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.data.redis.url=" + RedisServerExtension.redisUrl(),
                "--babelcall.token.secret=" + Rooms.SECRET,
                "--babelcall.signaling.media.nodes[0].id=node-1",
                "--babelcall.signaling.media.nodes[0].url=" + node1.wsUrl(),
                "--babelcall.signaling.media.nodes[1].id=node-2",
                "--babelcall.signaling.media.nodes[1].url=" + node2.wsUrl(),
                "--babelcall.signaling.media.api-secret=" + node1.apiSecret(),
                "--babelcall.signaling.media.admin-key=" + node1.adminKey(),
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(SignalingApplication.class).run(args.toArray(String[]::new));
    }

    /** {@code p}'s signaling socket in {@code room}, once it is joined on the SFU ({@code media-state connected}). */
    static WsClient join(ConfigurableApplicationContext replica, Rooms rooms, String room, Participant p) {
        int port = Integer.parseInt(replica.getEnvironment().getProperty("local.server.port"));
        WsClient c = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + rooms.token(room, p)));
        assertThat(c.next("welcome").path("media").asString()).isEqualTo("sfu");
        assertThat(c.next("media-state").path("state").asString()).isEqualTo("connected");
        return c;
    }
}

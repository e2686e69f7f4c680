package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.JanusServer;
import io.babelcall.testsupport.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Janus node that hangs (SIGSTOP) keeps its socket open, so only the keep-alive can tell it is gone: with the
 * shipped keep-alive settings its participants must hear {@code restart} within 10 s, and publishing again must move
 * the room to the other node. Real signaling replica, Redis and two Janus nodes.
 */
@ExtendWith(RedisServerExtension.class)
class SfuNodeFreezeTests {

    static JanusServer node1;
    static JanusServer node2;
    static ConfigurableApplicationContext replica;
    static Rooms rooms;

    @BeforeAll
    static void start() {
        rooms = new Rooms(RedisServerExtension.redisUrl());
        node1 = JanusServer.start("41300-41399");
        node2 = JanusServer.start("41400-41499", node1.apiSecret(), node1.adminKey());
        // keep-alive and keep-alive-timeout: application.yml's defaults, the ones that must meet the 10 s
        replica = SfuTestReplica.start(node1, node2);
    }

    @AfterAll
    static void stop() {
        replica.close();
        node1.stop();
        node2.stop();
        rooms.close();
    }

    @Test
    void aFrozenNodeIsLostWithinTenSecondsAndItsRoomMovesToTheOtherNode() {
        String room = rooms.newRoom();
        Participant alice = rooms.add(room, "alice", "en", "es", false);
        WsClient a = SfuTestReplica.join(replica, rooms, room, alice);
        a.send(SfuSignalingTests.publish(SyntheticSdp.publisherOffer()));
        a.next("publish-answer");
        String pinned = rooms.redis.get(RedisKeys.sfuRoom(room));
        JanusServer frozen = "node-1".equals(pinned) ? node1 : node2;

        frozen.freeze();
        try {
            // The brief's bound: a hung node's participants are told to restart within 10 s.
            assertThat(a.next("media-state", n -> "restart".equals(n.path("state").asString()),
                    Duration.ofSeconds(10))).isNotNull();
            a.send(SfuSignalingTests.publish(SyntheticSdp.publisherOffer()));
            assertThat(a.next("publish-answer", n -> true, Duration.ofSeconds(10)).path("sdp").asString())
                    .startsWith("v=0");
            assertThat(rooms.redis.get(RedisKeys.sfuRoom(room))).isNotEqualTo(pinned).isIn("node-1", "node-2");
        } finally {
            frozen.thaw();
        }
        a.close();
    }
}

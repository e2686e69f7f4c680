package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.room.RedisKeys;
import io.babelcall.signaling.config.SignalingProperties;
import io.babelcall.signaling.support.FakeConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Reconnects, grace, heartbeat, leave, dead replicas, removal and replacement, through the logic. */
class SessionLifecycleTests extends HandlerReplicasFixture {

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
}

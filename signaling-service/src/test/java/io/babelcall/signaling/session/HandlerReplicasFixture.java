package io.babelcall.signaling.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The signaling logic through {@link SignalingEvents} with fake connections (no sockets), as two replicas sharing a
 * real Redis.
 */
@ExtendWith(RedisServerExtension.class)
abstract class HandlerReplicasFixture {

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

    static double count(Replica r, String name, String tag, String value) {
        var c = r.registry().find(name).tag(tag, value).counter();
        return c == null ? 0 : c.count();
    }

    static long relaysTimed(Replica r) {
        var t = r.registry().find("babelcall.signaling.relay.latency").timer();
        return t == null ? 0 : t.count();
    }

    static List<JsonNode> ofType(List<JsonNode> nodes, String type) {
        return nodes.stream().filter(n -> type.equals(n.path("type").asString())).toList();
    }

    static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(n -> n.path("text").asString()).toList();
    }
}

package io.babelcall.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.signaling.support.Rooms;
import io.babelcall.signaling.support.WsClient;
import io.babelcall.testsupport.RedisServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two signaling replicas (two Spring contexts on random ports) sharing one real Redis, driven by real WebSocket
 * clients. Timings are shortened (grace 2 s, replica TTL 2 s, sweep 0.5 s); the defaults are in application.yml.
 */
@ExtendWith(RedisServerExtension.class)
abstract class ReplicaPairFixture {

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

    /** Replica arguments a suite needs beyond the fixture's (e.g. a raised rate limit). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface ReplicaArgs {
        String[] value();
    }

    @BeforeAll
    static void start(TestInfo suite) {
        String[] extraArgs = suite.getTestClass().map(c -> c.getAnnotation(ReplicaArgs.class))
                .map(ReplicaArgs::value).orElse(new String[0]);
        rooms = new Rooms(RedisServerExtension.redisUrl());
        a = replica(extraArgs);
        b = replica(extraArgs);
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

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.babelcall.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.testsupport.RedisCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The api on a real 3-master Redis Cluster ({@code spring.data.redis.cluster.nodes}): create, join, full room and leave
 * run the room scripts, each of which gets the room, participants and presence keys in KEYS. They only work when
 * those keys share the room's hash tag; without it the scripts fail with CROSSSLOT.
 */
class RedisClusterTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    static RedisCluster cluster;
    static ConfigurableApplicationContext api;
    static WebTestClient web;

    @BeforeAll
    static void start() {
        cluster = RedisCluster.start();
        api = new SpringApplicationBuilder(ApiApplication.class).run("--server.port=0",
                "--spring.data.redis.cluster.nodes=" + cluster.nodes(),
                "--babelcall.token.secret=" + ApiTestSupport.TOKEN_SECRET,
                "--spring.main.banner-mode=off", "--spring.lifecycle.timeout-per-shutdown-phase=3s");
        int port = Integer.parseInt(api.getEnvironment().getRequiredProperty("local.server.port"));
        web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void roomLifecycleRunsOnACluster() {
        String roomId = (String) post("/api/v1/rooms", Map.of("maxParticipants", 2))
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("roomId");
        Map<String, Object> ana = join(roomId, "Ana").expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        join(roomId, "Bo").expectStatus().isCreated();
        join(roomId, "Cy").expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("room_full");

        web.delete().uri("/api/v1/rooms/{r}/participants/{p}", roomId, ana.get("participantId"))
                .headers(h -> h.setBearerAuth((String) ana.get("token")))
                .exchange().expectStatus().isNoContent();
        Map<String, Object> room = web.get().uri("/api/v1/rooms/{id}", roomId).exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(room.toString()).contains("Bo").doesNotContain("Ana");
    }

    private WebTestClient.ResponseSpec join(String roomId, String name) {
        return post("/api/v1/rooms/" + roomId + "/participants",
                Map.of("displayName", name, "spokenLanguage", "en", "captionLanguage", "en"));
    }

    private WebTestClient.ResponseSpec post(String path, Object body) {
        return web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }
}

package io.babelcall.pipeline.translation.vinai;

import static io.babelcall.pipeline.engine.remote.Http.assertHttpError;
import static io.babelcall.pipeline.engine.remote.Http.error;
import static io.babelcall.pipeline.engine.remote.Http.json;
import static io.babelcall.pipeline.engine.remote.Http.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.translation.Translator;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code vinai} (the original VinAI service) against a MockWebServer. */
class VinaiTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode VI = LanguageCode.of("vi");

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    Translator t;

    @BeforeEach
    void start() throws Exception {
        server.start();
        t = TestEngines.create(new VinaiFactory(remote), "vinai", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "api-key", "v-token"));
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    @Test
    void bothDirectionsWithTheExactBodyAndBearerToken() throws Exception {
        server.enqueue(json(200, "{\"text\":\"Xin chào thế giới.\",\"cached\":false,\"latency_ms\":182.4}"));
        server.enqueue(json(200, "{\"text\":\"Hello world.\",\"cached\":true,\"latency_ms\":0.3}"));

        assertThat(t.translate("Hello world.", EN, VI).block(Duration.ofSeconds(5))).isEqualTo("Xin chào thế giới.");
        assertThat(t.translate("Xin chào thế giới.", LanguageCode.of("vi-VN"), EN).block(Duration.ofSeconds(5)))
                .isEqualTo("Hello world.");

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/translate");
        assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer v-token");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getBody().utf8()).isEqualTo("{\"text\":\"Hello world.\",\"direction\":\"en2vi\"}");
        assertThat(take(server).getBody().utf8()).isEqualTo("{\"text\":\"Xin chào thế giới.\",\"direction\":\"vi2en\"}");
        assertThat(t.pairs()).containsExactlyInAnyOrder(new TranslationPair(EN, VI), new TranslationPair(VI, EN));
    }

    @Test
    void failuresAreEngineErrors() {
        server.enqueue(json(422, "{\"detail\":[{\"loc\":[\"body\",\"direction\"],\"msg\":\"unexpected value\"}]}"));
        assertHttpError(error(t.translate("Hi.", EN, VI)), 422, false, "unexpected value");
        server.enqueue(json(500, "Internal Server Error"));
        assertHttpError(error(t.translate("Hi.", EN, VI)), 500, true, "Internal Server Error");
        server.enqueue(json(200, "{\"translation\":\"x\"}"));
        assertThat(error(t.translate("Hi.", EN, VI))).isInstanceOf(EngineException.class)
                .hasMessageContaining("malformed").hasMessageContaining("'text'");
        server.enqueue(Http.stalled(Duration.ofSeconds(3), "{\"text\":\"late\"}"));
        assertThat(error(TestEngines.timed(t, Duration.ofMillis(300)).translate("Hi.", EN, VI)))
                .isInstanceOf(EngineTimeoutException.class);
        assertThat(error(t.translate("Hola.", LanguageCode.of("es"), EN))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void healthProbesGetHealth() throws Exception {
        server.enqueue(json(200, "{\"status\":\"ok\"}"));
        EngineHealth.Status up = ((EngineHealth) t).health().block(Duration.ofSeconds(5));
        assertThat(up.up()).isTrue();
        assertThat(take(server).getTarget()).isEqualTo("/health");
        server.enqueue(json(503, "{\"status\":\"loading\"}"));
        assertThat(((EngineHealth) t).health().block(Duration.ofSeconds(5)).up()).isFalse();
    }
}

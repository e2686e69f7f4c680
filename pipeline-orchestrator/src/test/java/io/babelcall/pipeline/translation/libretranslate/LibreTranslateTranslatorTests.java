package io.babelcall.pipeline.translation.libretranslate;

import static io.babelcall.pipeline.engine.remote.Http.assertHttpError;
import static io.babelcall.pipeline.engine.remote.Http.body;
import static io.babelcall.pipeline.engine.remote.Http.error;
import static io.babelcall.pipeline.engine.remote.Http.json;
import static io.babelcall.pipeline.engine.remote.Http.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.TestEngines;
import io.babelcall.pipeline.engine.remote.Http;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.EngineConfigurationException;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.translation.Translator;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code libretranslate} against a MockWebServer: exact requests, replies, failures. */
class LibreTranslateTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    Translator translator(Map<String, String> extra) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("url", server.url("/").toString(),
                "api-key", "lt-secret", "pairs", "en<->es"));
        options.putAll(extra);
        return TestEngines.create(new LibreTranslateFactory(remote), "lt", Duration.ofSeconds(2), options);
    }

    @Test
    void postsTheExactJsonBodyWithTheKeyInTheBodyAndParsesTheTranslation() throws Exception {
        server.enqueue(json(200, "{\"translatedText\":\"¡Hola, mundo!\"}"));
        Translator t = translator(Map.of());

        assertThat(t.translate("Hello, world!", EN, ES).block(Duration.ofSeconds(5))).isEqualTo("¡Hola, mundo!");

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/translate");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getHeaders().get("Authorization")).as("the key travels in the body").isNull();
        assertThat(r.getBody().utf8()).isEqualTo(
                "{\"q\":\"Hello, world!\",\"source\":\"en\",\"target\":\"es\",\"format\":\"text\",\"api_key\":\"lt-secret\"}");
        assertThat(t.pairs()).containsExactlyInAnyOrder(new TranslationPair(EN, ES), new TranslationPair(ES, EN));
    }

    @Test
    void readsItsPairsFromGetLanguagesWhenNoneAreDeclared() throws Exception {
        server.enqueue(json(200, """
                [{"code":"en","name":"English","targets":["en","es","vi","zt"]},
                 {"code":"es","name":"Spanish","targets":["en","es"]},
                 {"code":"zt","name":"Chinese (traditional)","targets":["en"]}]"""));
        Translator t = TestEngines.create(new LibreTranslateFactory(remote), "lt", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "codes.zh-TW", "zt"));

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("GET");
        assertThat(r.getTarget()).isEqualTo("/languages");
        LanguageCode vi = LanguageCode.of("vi");
        LanguageCode tw = LanguageCode.of("zh-TW");
        assertThat(t.pairs()).containsExactlyInAnyOrder(new TranslationPair(EN, ES), new TranslationPair(EN, vi),
                new TranslationPair(EN, tw), new TranslationPair(ES, EN), new TranslationPair(tw, EN));

        server.enqueue(json(200, "{\"translatedText\":\"你好\"}"));
        t.translate("Hello", EN, tw).block(Duration.ofSeconds(5));
        assertThat(body(take(server)).path("target").asString()).isEqualTo("zt");
    }

    @Test
    void anUnreachableServerWithoutDeclaredPairsIsAConfigurationError() {
        assertThatThrownBy(() -> TestEngines.create(new LibreTranslateFactory(remote), "lt", Duration.ofSeconds(1),
                Map.of("url", "http://127.0.0.1:9")))
                .isInstanceOf(EngineConfigurationException.class)
                .hasMessageContaining("instances.lt.options.pairs").hasMessageContaining("/languages failed");
    }

    @Test
    void clientErrorsAreNotTransientServerErrorsAreAnd429IsRejected() {
        Translator t = translator(Map.of());
        server.enqueue(json(400, "{\"error\":\"Invalid request: missing q parameter\"}"));
        assertHttpError(error(t.translate("Hi.", EN, ES)), 400, false, "missing q parameter");

        server.enqueue(json(503, "{\"error\":\"Service unavailable\"}"));
        assertHttpError(error(t.translate("Hi.", EN, ES)), 503, true, "Service unavailable");

        server.enqueue(json(429, "{\"error\":\"Too many request limits violations\"}"));
        assertThat(error(t.translate("Hi.", EN, ES))).isInstanceOf(EngineRejectedException.class)
                .hasMessageContaining("429");
    }

    @Test
    void malformedRepliesAreEngineErrors() {
        Translator t = translator(Map.of());
        server.enqueue(json(200, "{\"translated\":\"wrong field\"}"));
        assertThat(error(t.translate("Hi.", EN, ES))).isInstanceOf(EngineException.class)
                .hasMessageContaining("malformed").hasMessageContaining("translatedText");
        server.enqueue(json(200, "<html>proxy error</html>"));
        assertThat(error(t.translate("Hi.", EN, ES))).isInstanceOf(EngineException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void aStalledServerTimesOutAndAnOversizedReplyFails() {
        Translator t = TestEngines.timed(translator(Map.of("max-response-size", "2048")), Duration.ofMillis(300));
        server.enqueue(Http.stalled(Duration.ofSeconds(3), "{\"translatedText\":\"late\"}"));
        assertThat(error(t.translate("Hi.", EN, ES))).isInstanceOf(EngineTimeoutException.class);

        // a generous time limit here: only the size limit may refuse the reply, however busy the machine is
        Translator sized = TestEngines.timed(translator(Map.of("max-response-size", "2048")), Duration.ofSeconds(10));
        server.enqueue(json(200, "{\"translatedText\":\"" + "x".repeat(5000) + "\"}"));
        assertThat(error(sized.translate("Hi.", EN, ES))).isInstanceOf(EngineException.class)
                .hasMessageContaining("over the limit of 2048 bytes");
    }

    @Test
    void blankAndOverlongTextNeverReachTheServer() {
        Translator t = translator(Map.of("max-chars", "10"));
        assertThat(t.translate("  ", EN, ES).block()).isEmpty();
        assertThat(error(t.translate("This is far too long.", EN, ES))).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.getRequestCount()).isZero();
    }
}

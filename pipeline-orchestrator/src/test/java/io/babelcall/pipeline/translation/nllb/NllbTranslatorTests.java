package io.babelcall.pipeline.translation.nllb;

import static io.babelcall.pipeline.engine.remote.Http.assertHttpError;
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
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.translation.Translator;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of type {@code nllb} (the original NLLB service, FLORES-200 codes) against a MockWebServer. */
class NllbTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode VI = LanguageCode.of("vi");
    static final LanguageCode ES = LanguageCode.of("es");

    MockWebServer server = new MockWebServer();
    RemoteEngines remote = RemoteEngines.withDefaults(Http.JSON);
    Translator t;

    @BeforeEach
    void start() throws Exception {
        server.start();
        t = TestEngines.create(new NllbFactory(remote), "nllb", Duration.ofSeconds(2),
                Map.of("url", server.url("/").toString(), "languages", "en,vi,es,yue", "codes.yue", "yue_Hant"));
    }

    @AfterEach
    void stop() {
        server.close();
        remote.close();
    }

    @Test
    void sendsFloresCodesAndParsesTranslatedText() throws Exception {
        server.enqueue(json(200, "{\"translated_text\":\"Xin chào, bạn khỏe không?\"}"));
        server.enqueue(json(200, "{\"translated_text\":\"早晨\"}"));

        assertThat(t.translate("Hello, how are you?", EN, VI).block(Duration.ofSeconds(5)))
                .isEqualTo("Xin chào, bạn khỏe không?");
        t.translate("Buenos días.", LanguageCode.of("es-MX"), LanguageCode.of("yue")).block(Duration.ofSeconds(5));

        RecordedRequest r = take(server);
        assertThat(r.getMethod()).isEqualTo("POST");
        assertThat(r.getTarget()).isEqualTo("/translate");
        assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(r.getBody().utf8())
                .isEqualTo("{\"text\":\"Hello, how are you?\",\"src_lang\":\"eng_Latn\",\"tgt_lang\":\"vie_Latn\"}");
        assertThat(take(server).getBody().utf8())
                .isEqualTo("{\"text\":\"Buenos días.\",\"src_lang\":\"spa_Latn\",\"tgt_lang\":\"yue_Hant\"}");
        assertThat(t.pairs()).hasSize(12).contains(new TranslationPair(VI, ES), new TranslationPair(ES, EN));
    }

    @Test
    void failuresAreEngineErrors() {
        server.enqueue(json(400, "{\"detail\":\"Unsupported language: xxx_Latn\"}"));
        assertHttpError(error(t.translate("Hi.", EN, VI)), 400, false, "Unsupported language");
        server.enqueue(json(502, "Bad Gateway"));
        assertHttpError(error(t.translate("Hi.", EN, VI)), 502, true, "Bad Gateway");
        server.enqueue(json(200, "[\"not\",\"an\",\"object\"]"));
        assertThat(error(t.translate("Hi.", EN, VI))).isInstanceOf(EngineException.class)
                .hasMessageContaining("translated_text");
        server.enqueue(Http.stalled(Duration.ofSeconds(3), "{\"translated_text\":\"late\"}"));
        assertThat(error(TestEngines.timed(t, Duration.ofMillis(300)).translate("Hi.", EN, VI)))
                .isInstanceOf(EngineTimeoutException.class);
    }

    @Test
    void unknownLanguagesAndBadCodesAreConfigurationErrors() {
        assertThatThrownBy(() -> TestEngines.create(new NllbFactory(remote), "nllb", Duration.ofSeconds(1),
                Map.of("url", "http://nllb:8000", "languages", "en,tlh", "codes.xx", "bad")))
                .isInstanceOfSatisfying(EngineConfigurationException.class, e -> assertThat(e.errors())
                        .anySatisfy(m -> assertThat(m).contains("no FLORES-200 code known for 'tlh'"))
                        .anySatisfy(m -> assertThat(m).contains("codes.xx")));
    }
}

package io.babelcall.pipeline.translation.apertium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.EngineHealth;
import io.babelcall.pipeline.engine.TestEngines;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.testsupport.LocalBinaries;
import io.babelcall.testsupport.RedisServerExtension;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The APy HTTP adapter against a real {@code apertium-apy} process this test starts, stops and restarts. */
class ApertiumApyTranslatorTests {

    static final LanguageCode EN = LanguageCode.of("en");
    static final LanguageCode ES = LanguageCode.of("es");
    static Path modes;
    static int port;
    static Process apy;

    @BeforeAll
    static void startApy() throws Exception {
        LocalBinaries.require("apertium-apy", "apertium-apy");
        // Only the eng-spa pair, to keep the server's start-up cheap.
        modes = Files.createTempDirectory("apy-modes");
        for (String m : List.of("eng-spa", "spa-eng")) {
            Files.copy(Path.of("/usr/share/apertium/modes", m + ".mode"), modes.resolve(m + ".mode"));
        }
        port = RedisServerExtension.freePort();
        apy = start();
    }

    @AfterAll
    static void stopApy() throws Exception {
        stop(apy);
    }

    @Test
    void translatesThroughApyAndDegradesAndRecoversWhenTheServerStopsAndReturns() throws Exception {
        Translator translator = TestEngines.create(new ApertiumApyFactory(JsonMapper.builder().build()), "apy",
                Duration.ofSeconds(5), Map.of("url", "http://127.0.0.1:" + port));
        assertThat(translator.pairs()).contains(new TranslationPair(EN, ES), new TranslationPair(ES, EN));
        assertThat(translator.translate("The house is big.", EN, ES).block(Duration.ofSeconds(10)))
                .contains("casa").contains("grande");
        assertThat(translator.translate("Is it 50% & a \"test\" | ok?", EN, ES).block(Duration.ofSeconds(10)))
                .contains("50%").contains("&");
        assertThat(((EngineHealth) translator).health().block().up()).isTrue();

        stop(apy);
        assertThatThrownBy(() -> translator.translate("The house is big.", EN, ES).block(Duration.ofSeconds(10)))
                .isInstanceOf(RuntimeException.class);
        assertThat(((EngineHealth) translator).health().block().up()).isFalse();

        apy = start();
        assertThat(translator.translate("The house is small.", EN, ES).block(Duration.ofSeconds(10)))
                .contains("casa").contains("pequeña");
    }

    @Test
    void reportsAServerErrorForAPairItDoesNotHave() {
        Translator translator = TestEngines.create(new ApertiumApyFactory(JsonMapper.builder().build()), "apy",
                Duration.ofSeconds(5), Map.of("url", "http://127.0.0.1:" + port, "pairs", "en->es,en->ca"));
        assertThatThrownBy(() -> translator.translate("The house.", EN, LanguageCode.of("ca"))
                .block(Duration.ofSeconds(10))).hasMessageContaining("APy");
    }

    private static Process start() throws Exception {
        Process p = new ProcessBuilder("apertium-apy", "-p", Integer.toString(port), "-j", "1", "-n", "1",
                modes.toString())
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("apy", ".log").toFile())
                .start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("apertium-apy exited with " + p.exitValue());
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return p;
    }

    private static void stop(Process p) throws Exception {
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}

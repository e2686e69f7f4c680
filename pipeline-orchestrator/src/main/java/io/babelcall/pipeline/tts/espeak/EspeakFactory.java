package io.babelcall.pipeline.tts.espeak;

import io.babelcall.pipeline.engine.spi.Binaries;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Type {@code espeak-ng}. Options: {@code binary} ({@code espeak-ng}), {@code voice.<language>} (voice for a
 * language, e.g. {@code voice.en: en-us}; otherwise the best listed voice), {@code speed} (words per minute, espeak
 * default 175), {@code max-chars} (1000), {@code max-concurrent} (4).
 */
public class EspeakFactory implements EngineFactory<SpeechSynthesizer> {

    public static final String TYPE = "espeak-ng";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EngineRole role() {
        return EngineRole.TTS;
    }

    @Override
    public SpeechSynthesizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        String binaryName = o.string("binary", "espeak-ng");
        Map<String, String> overrides = new TreeMap<>();
        o.map("voice").forEach((k, v) -> overrides.put(k.toLowerCase(Locale.ROOT), v));
        int speed = o.integer("speed", 0, 0, 1000);
        int maxChars = o.integer("max-chars", 1000, 1, 100_000);
        int maxConcurrent = o.integer("max-concurrent", 4, 1, 256);
        Path binary = Binaries.require(binaryName, "espeak-ng", o.property("binary"), errors);
        if (binary == null) {
            return null;
        }
        EspeakVoices voices;
        try {
            Process p = new ProcessBuilder(binary.toString(), "--voices").redirectErrorStream(true).start();
            String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("'" + binary + " --voices' failed: " + listing.strip());
            }
            voices = EspeakVoices.parse(listing);
        } catch (Exception e) {
            errors.add(def.property(), "cannot list espeak-ng voices: " + e.getMessage()
                    + " (apt-get install -y espeak-ng espeak-ng-data)");
            return null;
        }
        if (voices.size() == 0) {
            errors.add(def.property(), "espeak-ng lists no voices; install them with: apt-get install -y espeak-ng-data");
            return null;
        }
        overrides.forEach((lang, voice) -> {
            if (!voices.isVoice(voice.replaceFirst("\\+.*$", ""))) {
                errors.add(o.property("voice." + lang), "espeak-ng has no voice '" + voice + "' (see espeak-ng --voices)");
            }
        });
        return new EspeakSynthesizer(def.name(), binary, voices, overrides, speed == 0 ? null : speed, maxChars,
                maxConcurrent, def.timeout());
    }
}

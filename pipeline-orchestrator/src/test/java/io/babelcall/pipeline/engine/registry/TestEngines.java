package io.babelcall.pipeline.engine.registry;

import io.babelcall.pipeline.engine.resilience.EngineCall;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.engine.resilience.MeteredRecognizer;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;

/** Builds engine instances through their real factories, as the registry does. */
public final class TestEngines {

    private TestEngines() {
    }

    /** Creates one instance with {@code factory}; fails with the configuration errors if any. */
    public static <E> E create(EngineFactory<E> factory, String name, Duration timeout, Map<String, String> options) {
        ConfigErrors errors = new ConfigErrors();
        EngineOptions o = new EngineOptions("babelcall.engines.instances." + name + ".options", options, errors);
        E engine = factory.create(new EngineDefinition(name, factory.type(), false, timeout, o), errors);
        o.reportUnknown();
        errors.throwIfAny();
        return engine;
    }

    /** The engine with the time limit (and metrics) the router puts around it. */
    public static Translator timed(Translator t, Duration timeout) {
        return new RoutedTranslator(t, EngineCall.timed(EngineRole.MT, t.name(), timeout, testMetrics()), null, null);
    }

    public static SpeechSynthesizer timed(SpeechSynthesizer s, Duration timeout) {
        return new RoutedSynthesizer(s, EngineCall.timed(EngineRole.TTS, s.name(), timeout, testMetrics()), null, null);
    }

    public static SpeechRecognizer timed(SpeechRecognizer r, Duration timeout) {
        return new MeteredRecognizer(r, timeout, testMetrics());
    }

    private static EngineMetrics testMetrics() {
        return new EngineMetrics(new SimpleMeterRegistry());
    }
}

package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.resilience.EngineCall;
import io.babelcall.pipeline.engine.resilience.EngineMetrics;
import io.babelcall.pipeline.engine.resilience.EngineResilience;
import io.babelcall.pipeline.engine.resilience.MeteredRecognizer;
import io.babelcall.pipeline.engine.resilience.ResilientRecognizer;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.Languages;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Routes by configuration ({@link RouteTable}) and hands out each instance wrapped once: time limit and metrics, and
 * for MT/TTS the Redis cache in front (a hit calls no engine and records no engine call). A wildcard route only
 * matches what its instance serves; otherwise the next less specific route is tried.
 */
public class DefaultEngineRouter implements EngineRouter {

    private final EngineRegistry registry;
    private final Map<String, SpeechRecognizer> recognizers = new HashMap<>();
    private final Map<String, Translator> translators = new HashMap<>();
    private final Map<String, SpeechSynthesizer> synthesizers = new HashMap<>();
    private final EngineCapabilities capabilities;

    /**
     * Without exported resilience4j meters (tests).
     *
     * @param cache null to disable caching
     */
    public DefaultEngineRouter(EngineRegistry registry, EngineMetrics metrics, EngineCache cache) {
        this(registry, metrics, cache, new EngineResilience(null));
    }

    /**
     * Wraps every instance: cache -> resilience (retry, breaker, bulkhead) -> metrics and time limit -> engine.
     *
     * @param cache null to disable caching
     */
    public DefaultEngineRouter(EngineRegistry registry, EngineMetrics metrics, EngineCache cache,
                               EngineResilience resilience) {
        this.registry = registry;
        for (EngineRegistry.Instance<SpeechRecognizer> i : registry.instances(EngineKind.STT)) {
            EngineResilience.Guard guard = guard(i, metrics, resilience);
            SpeechRecognizer r = new MeteredRecognizer(i.engine(), i.timeout(), metrics, guard.timeLimiter());
            recognizers.put(i.name(), guard.breaker() != null ? new ResilientRecognizer(r, guard) : r);
        }
        for (EngineRegistry.Instance<Translator> i : registry.instances(EngineKind.MT)) {
            EngineCall call = call(i, i.engine().name(), metrics, resilience);
            translators.put(i.name(), new RoutedTranslator(i.engine(), call, cache, i.fingerprint()));
        }
        for (EngineRegistry.Instance<SpeechSynthesizer> i : registry.instances(EngineKind.TTS)) {
            EngineCall call = call(i, i.engine().name(), metrics, resilience);
            synthesizers.put(i.name(), new RoutedSynthesizer(i.engine(), call, cache, i.fingerprint()));
        }
        this.capabilities = registry.capabilities();
    }

    private static EngineResilience.Guard guard(EngineRegistry.Instance<?> i, EngineMetrics metrics,
                                                EngineResilience resilience) {
        metrics.registerEngine(i.role(), i.name());
        return resilience.guard(i.name(), i.role(), i.timeout(), i.resilience());
    }

    /** MT and TTS: resilience (if the instance has a breaker) around time limit and metrics. */
    private static EngineCall call(EngineRegistry.Instance<?> i, String engineName, EngineMetrics metrics,
                                   EngineResilience resilience) {
        EngineResilience.Guard guard = guard(i, metrics, resilience);
        return new EngineCall(i.role(), engineName, guard.timeLimiter(), metrics,
                guard.breaker() != null ? guard : null);
    }

    @Override
    public Optional<SpeechRecognizer> recognizerFor(LanguageCode spoken) {
        for (String name : registry.routes().candidates(EngineRole.STT, spoken)) {
            SpeechRecognizer r = recognizers.get(name);
            if (r != null && Languages.serves(r.languages(), spoken)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Translator> translatorFor(LanguageCode source, LanguageCode target) {
        if (source.samePrimaryAs(target)) {
            return Optional.empty();
        }
        for (String name : registry.routes().candidates(source, target)) {
            Translator t = translators.get(name);
            if (t != null && Languages.serves(t.pairs(), source, target)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<SpeechSynthesizer> synthesizerFor(LanguageCode language) {
        for (String name : registry.routes().candidates(EngineRole.TTS, language)) {
            SpeechSynthesizer s = synthesizers.get(name);
            if (s != null && Languages.serves(s.languages(), language)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }
}

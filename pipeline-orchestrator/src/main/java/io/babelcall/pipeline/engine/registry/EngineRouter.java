package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import java.util.Optional;

/**
 * Picks the configured engine for a language (or language pair) and role. The pipeline asks it and never names an
 * engine itself; the engines it returns are already wrapped with caching, metrics and resilience.
 */
public interface EngineRouter {

    Optional<SpeechRecognizer> recognizerFor(LanguageCode spoken);

    Optional<Translator> translatorFor(LanguageCode source, LanguageCode target);

    Optional<SpeechSynthesizer> synthesizerFor(LanguageCode language);

    /** What the configured routes can do; served by {@code GET /api/v1/engines/capabilities}. */
    EngineCapabilities capabilities();
}

package io.babelcall.common.engine;

import io.babelcall.common.language.LanguageCode;
import java.util.List;

/**
 * What the orchestrator's configured engines can do, as served by {@code GET /api/v1/engines/capabilities}: languages
 * it can recognise, translation directions, languages it can synthesise. The api derives {@code /api/v1/languages}
 * from it and hardcodes no list.
 */
public record EngineCapabilities(
        List<LanguageCode> recognition,
        List<TranslationPair> translation,
        List<LanguageCode> synthesis) {
}

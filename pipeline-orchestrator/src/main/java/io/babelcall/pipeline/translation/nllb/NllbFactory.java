package io.babelcall.pipeline.translation.nllb;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.translation.Translator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Type {@code nllb}: serves every direction between its {@code languages}. Options: {@code url} (required),
 * {@code languages} (required, e.g. {@code [en, vi, es]}), {@code codes.<tag>} (FLORES-200 code overrides or additions,
 * e.g. {@code codes.yue: yue_Hant}), {@code path} ({@code /translate}), {@code api-key}, {@code max-chars} (2000),
 * {@code health-path} ({@code /health}), {@code connect-timeout}, {@code max-response-size} (1 MiB).
 */
public class NllbFactory extends RemoteEngineFactory<Translator> {

    public static final String TYPE = "nllb";
    private static final Pattern FLORES = Pattern.compile("[a-z]{3}_[A-Z][a-z]{3}");

    public NllbFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.MT, remote);
    }

    @Override
    public Translator create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint endpoint = remote.endpoint(def, "http://nllb:8000", "https?", 1024 * 1024);
        Set<LanguageCode> languages = RemoteEngines.languages(o, true, "[en, vi, es]");
        Map<String, String> overrides = o.map("codes");
        String path = o.string("path", "/translate");
        int maxChars = o.integer("max-chars", 2000, 1, 100_000);
        String healthPath = o.string("health-path", "/health");
        Map<LanguageCode, String> codes = new LinkedHashMap<>();
        overrides.forEach((tag, code) -> {
            if (!LanguageCode.isValid(tag) || !FLORES.matcher(code).matches()) {
                o.invalid("codes." + tag, "'" + tag + ": " + code + "' is not 'language tag: FLORES-200 code' "
                        + "(e.g. vi: vie_Latn)");
            }
        });
        for (LanguageCode l : languages) {
            String code = overrides.getOrDefault(l.value(), FloresCodes.of(l).orElse(null));
            if (code == null) {
                o.invalid("languages", "no FLORES-200 code known for '" + l + "'; add codes." + l + ": <code>");
            } else {
                codes.put(l, code);
            }
        }
        if (endpoint == null || codes.size() != languages.size() || languages.size() < 2) {
            if (endpoint != null && languages.size() == 1) {
                o.invalid("languages", "needs at least two languages to translate between");
            }
            return null;
        }
        Set<TranslationPair> pairs = new LinkedHashSet<>();
        for (LanguageCode s : languages) {
            for (LanguageCode t : languages) {
                if (!s.samePrimaryAs(t)) {
                    pairs.add(new TranslationPair(s, t));
                }
            }
        }
        return new NllbTranslator(remote, endpoint, pairs, codes, path, maxChars, healthPath);
    }
}

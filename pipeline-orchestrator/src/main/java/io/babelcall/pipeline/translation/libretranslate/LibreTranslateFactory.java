package io.babelcall.pipeline.translation.libretranslate;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.pipeline.engine.remote.RemoteEngineFactory;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.translation.Translator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Type {@code libretranslate}. Options: {@code url} (required), {@code api-key} (sent as {@code api_key} in the body),
 * {@code pairs} (declared directions; when absent read once from {@code GET /languages} at start-up, so the server
 * must then be reachable), {@code codes.<tag>} (product tag -> LibreTranslate code, e.g. {@code codes.zh-TW: zt}),
 * {@code max-chars} (2000), {@code health-path} ({@code /languages}), {@code connect-timeout},
 * {@code max-response-size} (1 MiB).
 */
public class LibreTranslateFactory extends RemoteEngineFactory<Translator> {

    public static final String TYPE = "libretranslate";

    public LibreTranslateFactory(RemoteEngines remote) {
        super(TYPE, EngineRole.MT, remote);
    }

    @Override
    public Translator create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        RemoteEngines.Endpoint withKey = remote.endpoint(def, "http://libretranslate:5000", "https?", 1024 * 1024);
        Set<TranslationPair> pairs = RemoteEngines.pairs(o);
        Map<String, String> codes = o.map("codes");
        int maxChars = o.integer("max-chars", 2000, 1, 100_000);
        String healthPath = o.string("health-path", "/languages");
        if (withKey == null) {
            return null;
        }
        // the key goes in the JSON body, not in a header
        RemoteEngines.Endpoint endpoint = new RemoteEngines.Endpoint(withKey.name(), withKey.url(), null,
                withKey.apiKeyHeader(), withKey.connectTimeout(), withKey.maxResponseBytes(), withKey.timeout());
        if (pairs.isEmpty()) {
            try {
                pairs = new LinkedHashSet<>(LibreTranslateTranslator.listPairs(remote.webClient(endpoint), endpoint,
                        remote, codes).block(endpoint.connectTimeout().plus(def.timeout())));
            } catch (RuntimeException e) {
                errors.add(o.property("pairs"), "not declared, and GET " + endpoint.display() + "/languages failed ("
                        + RemoteEngines.transportError(endpoint, e).getMessage() + "); declare the pairs (e.g. "
                        + "[en<->es, en->vi]) or make the server reachable at start-up");
                return null;
            }
            if (pairs.isEmpty()) {
                errors.add(o.property("url"), endpoint.display() + "/languages lists no language pair");
                return null;
            }
        }
        return new LibreTranslateTranslator(remote, endpoint, withKey.apiKey(), pairs, codes, maxChars, healthPath);
    }
}

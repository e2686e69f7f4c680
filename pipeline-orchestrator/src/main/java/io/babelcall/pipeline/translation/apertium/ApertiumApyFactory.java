package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.translation.Translator;
import io.netty.channel.ChannelOption;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * Type {@code apertium-apy}: a remote (or sidecar) APy server. Options: {@code url} (required, e.g.
 * {@code http://apertium:2737}), {@code pairs} ({@code en->es} list; when absent they are read once from
 * {@code GET /listPairs} at start-up, so the server must then be reachable), {@code connect-timeout} (2s),
 * {@code max-connections} (16), {@code max-chars} (2000).
 */
public class ApertiumApyFactory implements EngineFactory<Translator> {

    public static final String TYPE = "apertium-apy";

    private final JsonMapper json;

    public ApertiumApyFactory(JsonMapper json) {
        this.json = json;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EngineRole role() {
        return EngineRole.MT;
    }

    @Override
    public Translator create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        String url = o.required("url", "base URL of the APy server, e.g. http://apertium:2737");
        List<String> declared = o.list("pairs");
        Duration connect = o.duration("connect-timeout", Duration.ofSeconds(2));
        int maxConnections = o.integer("max-connections", 16, 1, 1024);
        int maxChars = o.integer("max-chars", 2000, 1, 100_000);
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url);
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("needs http(s)://host[:port]");
            }
        } catch (IllegalArgumentException e) {
            errors.add(o.property("url"), "'" + url + "' is not an http(s) URL (" + e.getMessage() + ")");
            return null;
        }
        Set<TranslationPair> pairs = new LinkedHashSet<>();
        for (String p : declared) {
            String[] st = p.split("->", -1);
            if (st.length != 2 || !LanguageCode.isValid(st[0].trim()) || !LanguageCode.isValid(st[1].trim())) {
                errors.add(o.property("pairs"), "'" + p + "' is not a pair like 'en->es'");
                continue;
            }
            pairs.add(new TranslationPair(LanguageCode.of(st[0].trim()), LanguageCode.of(st[1].trim())));
        }
        HttpClient client = HttpClient.create(ConnectionProvider.builder("apy-" + def.name())
                        .maxConnections(maxConnections)
                        .maxIdleTime(Duration.ofSeconds(30))
                        .build())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connect.toMillis())
                .responseTimeout(def.timeout());
        WebClient http = WebClient.builder()
                .baseUrl(url.replaceAll("/+$", ""))
                .clientConnector(new ReactorClientHttpConnector(client))
                .build();
        if (declared.isEmpty()) {
            try {
                pairs.addAll(ApertiumApyTranslator.listPairs(http, json).block(connect.plus(def.timeout())));
            } catch (RuntimeException e) {
                errors.add(o.property("pairs"), "not declared, and GET " + url + "/listPairs failed (" + e.getMessage()
                        + "); declare the pairs (e.g. [en->es, es->en]) or make the server reachable at start-up");
                return null;
            }
            if (pairs.isEmpty()) {
                errors.add(o.property("url"), url + "/listPairs lists no language pair");
                return null;
            }
        }
        return new ApertiumApyTranslator(def.name(), url, http, json, pairs, maxChars);
    }
}

package io.babelcall.pipeline.translation.vinai;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteTranslator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Type {@code vinai}: the original VinAI translation service (vinai-translate vi<->en).
 * {@code POST /translate {text, direction: "vi2en"|"en2vi"}} -> {@code {text, cached, latency_ms}}.
 */
final class VinaiTranslator extends RemoteTranslator {

    static final LanguageCode VI = LanguageCode.of("vi");
    static final LanguageCode EN = LanguageCode.of("en");
    static final Set<TranslationPair> PAIRS = Set.of(new TranslationPair(VI, EN), new TranslationPair(EN, VI));

    private final String path;

    VinaiTranslator(RemoteEngines remote, RemoteEngines.Endpoint endpoint, String path, int maxChars,
                    String healthPath) {
        super(remote, endpoint, PAIRS, maxChars, healthPath);
        this.path = path;
    }

    @Override
    protected Mono<String> call(String text, LanguageCode source, LanguageCode target) {
        String direction;
        if (source.samePrimaryAs(VI) && target.samePrimaryAs(EN)) {
            direction = "vi2en";
        } else if (source.samePrimaryAs(EN) && target.samePrimaryAs(VI)) {
            direction = "en2vi";
        } else {
            return Mono.error(new IllegalArgumentException("VinAI translates vi<->en only, not " + source + "->" + target));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("direction", direction);
        return postJson(path, body).map(reply -> text(reply, "text"));
    }
}

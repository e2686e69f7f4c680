package io.babelcall.pipeline.translation.nllb;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.remote.RemoteEngines;
import io.babelcall.pipeline.engine.remote.RemoteTranslator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Type {@code nllb}: the original NLLB service. {@code POST /translate {text, src_lang, tgt_lang}} with FLORES-200
 * codes ({@code eng_Latn}) -> {@code {translated_text}}.
 */
final class NllbTranslator extends RemoteTranslator {

    private final String path;
    private final Map<LanguageCode, String> codes;

    NllbTranslator(RemoteEngines remote, RemoteEngines.Endpoint endpoint, Set<TranslationPair> pairs,
                   Map<LanguageCode, String> codes, String path, int maxChars, String healthPath) {
        super(remote, endpoint, pairs, maxChars, healthPath);
        this.codes = Map.copyOf(codes);
        this.path = path;
    }

    @Override
    protected Mono<String> call(String text, LanguageCode source, LanguageCode target) {
        String src = code(source);
        String tgt = code(target);
        if (src == null || tgt == null) {
            return Mono.error(new IllegalArgumentException("no FLORES code for " + (src == null ? source : target)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("src_lang", src);
        body.put("tgt_lang", tgt);
        return postJson(path, body).map(reply -> text(reply, "translated_text"));
    }

    /** The code of the configured language that serves {@code language} (exact tag, else same primary language). */
    private String code(LanguageCode language) {
        String exact = codes.get(language);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<LanguageCode, String> e : codes.entrySet()) {
            if (e.getKey().samePrimaryAs(language)) {
                return e.getValue();
            }
        }
        return null;
    }
}

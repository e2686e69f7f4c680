package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineRole;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Validated routes: language (or {@code source->target}) key to instance name, per role. Keys are canonical language
 * tags or {@code *}. Lookups try the most specific key first (exact tag, then primary language, then wildcards), so the
 * order of the configuration does not matter.
 */
public final class RouteTable {

    public static final String ANY = "*";

    private final Map<String, String> stt;
    private final Map<String, String> mt;
    private final Map<String, String> tts;

    RouteTable(Map<String, String> stt, Map<String, String> mt, Map<String, String> tts) {
        this.stt = Map.copyOf(stt);
        this.mt = Map.copyOf(mt);
        this.tts = Map.copyOf(tts);
    }

    public Map<String, String> stt() {
        return stt;
    }

    public Map<String, String> mt() {
        return mt;
    }

    public Map<String, String> tts() {
        return tts;
    }

    /** Instance names routed for {@code language}, most specific first. */
    public List<String> candidates(EngineRole role, LanguageCode language) {
        Map<String, String> table = role == EngineRole.STT ? stt : tts;
        List<String> out = new ArrayList<>();
        for (String key : languageKeys(language)) {
            String engine = table.get(key);
            if (engine != null && !out.contains(engine)) {
                out.add(engine);
            }
        }
        return out;
    }

    /** Instance names routed for {@code source->target}, most specific first. */
    public List<String> candidates(LanguageCode source, LanguageCode target) {
        List<String> out = new ArrayList<>();
        for (String s : languageKeys(source)) {
            if (s.equals(ANY)) {
                continue;
            }
            for (String t : languageKeys(target)) {
                add(out, mt.get(pairKey(s, t)));
            }
        }
        for (String t : languageKeys(target)) {
            if (!t.equals(ANY)) {
                add(out, mt.get(pairKey(ANY, t)));
            }
        }
        add(out, mt.get(pairKey(ANY, ANY)));
        return out;
    }

    static String pairKey(String source, String target) {
        return source + "->" + target;
    }

    private static void add(List<String> out, String engine) {
        if (engine != null && !out.contains(engine)) {
            out.add(engine);
        }
    }

    private static List<String> languageKeys(LanguageCode language) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        keys.add(language.value());
        keys.add(language.primary());
        keys.add(ANY);
        return List.copyOf(keys);
    }
}

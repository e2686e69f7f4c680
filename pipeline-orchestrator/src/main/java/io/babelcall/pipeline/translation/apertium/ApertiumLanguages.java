package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.language.LanguageCode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Product language tags (ISO 639-1: {@code en}, {@code es}, {@code ca}) to Apertium codes (ISO 639-3: {@code eng},
 * {@code spa}, {@code cat}) and back, from the JDK's ISO tables. Apertium region variants ({@code eng_US},
 * {@code por_BR}) map to region tags; other variants ({@code cat_valencia}) have no product tag.
 */
public final class ApertiumLanguages {

    private static final Map<String, String> TO_ISO1 = new HashMap<>();

    static {
        for (String iso1 : Locale.getISOLanguages()) {
            try {
                String iso3 = new Locale(iso1).getISO3Language();
                if (!iso3.isEmpty()) {
                    TO_ISO1.putIfAbsent(iso3, iso1);
                }
            } catch (java.util.MissingResourceException ignored) {
                // no 3-letter code known for it
            }
        }
    }

    private ApertiumLanguages() {
    }

    /** {@code es} -> {@code spa}; a 3-letter tag without a 2-letter form stays as it is; the region is dropped. */
    public static String toApertium(LanguageCode language) {
        String primary = language.primary();
        if (primary.length() == 3) {
            return primary;
        }
        try {
            return new Locale(primary).getISO3Language();
        } catch (java.util.MissingResourceException e) {
            return primary;
        }
    }

    /** {@code spa} -> {@code es}, {@code eng_US} -> {@code en-US}; empty for variants that are not regions. */
    public static Optional<LanguageCode> fromApertium(String code) {
        String[] parts = code.split("_", 2);
        String base = parts[0].toLowerCase(Locale.ROOT);
        String primary = TO_ISO1.getOrDefault(base, base);
        String tag = primary;
        if (parts.length == 2) {
            if (!parts[1].matches("[A-Za-z]{2}|[0-9]{3}")) {
                return Optional.empty();
            }
            tag = primary + "-" + parts[1];
        }
        return LanguageCode.isValid(tag) ? Optional.of(LanguageCode.of(tag)) : Optional.empty();
    }
}

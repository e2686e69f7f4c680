package io.babelcall.common.language;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A language tag as the product uses it: an ISO 639-1 (or 639-2/3) primary language, optionally followed by a
 * BCP 47 script and/or region ({@code en}, {@code es}, {@code pt-BR}, {@code zh-Hans}). Stored in canonical case
 * ({@code pt-BR}, {@code zh-Hans}) so two spellings of one language compare equal.
 */
public record LanguageCode(String value) implements Comparable<LanguageCode> {

    private static final Pattern SHAPE = Pattern.compile(
            "(?i)[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?");

    public LanguageCode {
        Objects.requireNonNull(value, "language code");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "not a language code: '" + value + "' (expected ISO 639-1 such as 'en', or BCP 47 such as 'pt-BR')");
        }
        // Interned: a handful of codes recur in every participant, event and token, and the JVM's string table holds
        // them weakly, so each code is one string however many times it is parsed.
        value = canonical(value).intern();
    }

    @JsonCreator
    public static LanguageCode of(String value) {
        return new LanguageCode(value);
    }

    /** True when {@code value} is a well-formed language code; for validators that must not throw. */
    public static boolean isValid(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    /** The primary language subtag: {@code pt} for {@code pt-BR}. Engines are usually routed on it. */
    public String primary() {
        int dash = value.indexOf('-');
        return dash < 0 ? value : value.substring(0, dash);
    }

    /** Whether two tags name the same primary language, so no translation is needed between them. */
    public boolean samePrimaryAs(LanguageCode other) {
        return primary().equals(other.primary());
    }

    /** The English display name ("Spanish"), from the JDK's locale data; the code itself when unknown. */
    public String displayName() {
        String name = Locale.forLanguageTag(value).getDisplayName(Locale.ENGLISH);
        return name.isBlank() ? value : name;
    }

    @JsonValue
    @Override
    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }

    @Override
    public int compareTo(LanguageCode o) {
        return value.compareTo(o.value);
    }

    private static String canonical(String raw) {
        String[] parts = raw.split("-");
        StringBuilder out = new StringBuilder(parts[0].toLowerCase(Locale.ROOT));
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            out.append('-');
            if (p.length() == 4) {
                out.append(Character.toUpperCase(p.charAt(0))).append(p.substring(1).toLowerCase(Locale.ROOT));
            } else {
                out.append(p.toUpperCase(Locale.ROOT));
            }
        }
        return out.toString();
    }
}

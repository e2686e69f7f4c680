package io.babelcall.common.language;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A language tag as the product uses it: a well-formed BCP 47 tag (RFC 5646 section 2.1 {@code langtag} syntax) whose
 * primary language is an ISO 639 code of 2 or 3 letters, with optional extended language, script, region, variants,
 * extensions and private use ({@code en}, {@code pt-BR}, {@code zh-Hans}, {@code de-CH-1996},
 * {@code de-DE-u-co-phonebk}, {@code en-US-x-twain}). Well-formed, not validated against the IANA registry. Refused:
 * tags longer than {@link #MAX_LENGTH}, reserved 4-8 letter primary languages, private-use-only tags ({@code x-...})
 * and the irregular grandfathered tags ({@code i-klingon}). Stored in RFC 5646 section 2.1.1 canonical case
 * ({@code pt-BR}, {@code zh-Hans}, {@code sl-rozaj}) so two spellings of one tag compare equal.
 */
public record LanguageCode(String value) implements Comparable<LanguageCode> {

    /** Longest accepted tag; RFC 5646 section 4.4.1 asks implementations to handle at least 35 characters. */
    public static final int MAX_LENGTH = 64;

    private static final String ALNUM = "[A-Za-z0-9]";
    private static final Pattern SHAPE = Pattern.compile(
            "[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}" // language, extlang
                    + "(-[A-Za-z]{4})?" // script
                    + "(-([A-Za-z]{2}|[0-9]{3}))?" // region
                    + "(-(" + ALNUM + "{5,8}|[0-9]" + ALNUM + "{3}))*" // variants
                    + "(-[0-9A-WYZa-wyz](-" + ALNUM + "{2,8})+)*" // extensions (any singleton but x)
                    + "(-[Xx](-" + ALNUM + "{1,8})+)?"); // private use

    public LanguageCode {
        Objects.requireNonNull(value, "language code");
        if (!isValid(value)) {
            // The value is not quoted: it may come from a client and this message may reach one.
            throw new IllegalArgumentException("not a language code (expected a BCP 47 tag with an ISO 639 language, "
                    + "such as 'en', 'pt-BR' or 'de-CH-1996', at most " + MAX_LENGTH + " characters)");
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
        return value != null && value.length() <= MAX_LENGTH && SHAPE.matcher(value).matches();
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

    /**
     * RFC 5646 section 2.1.1 case: lowercase, except 2-letter subtags (uppercase) and 4-letter subtags (titlecase)
     * that are neither first nor after a singleton (extensions and private use stay lowercase).
     */
    private static String canonical(String raw) {
        String[] parts = raw.toLowerCase(Locale.ROOT).split("-", -1);
        StringBuilder out = new StringBuilder(parts[0]);
        boolean afterSingleton = false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            afterSingleton |= p.length() == 1;
            out.append('-');
            if (!afterSingleton && p.length() == 2) {
                out.append(p.toUpperCase(Locale.ROOT));
            } else if (!afterSingleton && p.length() == 4) {
                out.append(Character.toUpperCase(p.charAt(0))).append(p, 1, 4);
            } else {
                out.append(p);
            }
        }
        return out.toString();
    }
}

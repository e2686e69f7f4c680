package io.babelcall.pipeline.engine.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;

/**
 * The type-specific {@code options} of one instance, read through typed getters that report malformed values to
 * {@link ConfigErrors} and remember which keys were read, so {@link #reportUnknown()} can name the ones nobody reads
 * (typos). Nested YAML maps arrive flattened ({@code voice.en}) and YAML lists indexed ({@code pairs[0]}).
 */
public final class EngineOptions {

    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)]");

    private final String prefix;
    private final Map<String, String> values;
    private final ConfigErrors errors;
    private final Set<String> read = new HashSet<>();

    public EngineOptions(String prefix, Map<String, String> values, ConfigErrors errors) {
        this.prefix = prefix;
        this.values = values == null ? Map.of() : Map.copyOf(values);
        this.errors = errors;
    }

    /** The options as configured, for cache keys (a changed option must not serve old cached results). */
    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    public String string(String key, String defaultValue) {
        read.add(key);
        String v = values.get(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    /** A required option; reports an error and returns null when it is missing. */
    public String required(String key, String meaning) {
        String v = string(key, null);
        if (v == null) {
            errors.add(prefix + "." + key, "missing (" + meaning + ")");
        }
        return v;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                errors.add(prefix + "." + key, "must be between " + min + " and " + max + ", was " + n);
                return defaultValue;
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(prefix + "." + key, "not an integer: '" + v + "'");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        errors.add(prefix + "." + key, "not a boolean (true/false): '" + v + "'");
        return defaultValue;
    }

    /** A decimal number within [min, max]. */
    public double number(String key, double defaultValue, double min, double max) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            double n = Double.parseDouble(v);
            if (!(n >= min && n <= max)) {
                errors.add(prefix + "." + key, "must be between " + min + " and " + max + ", was " + v);
                return defaultValue;
            }
            return n;
        } catch (NumberFormatException e) {
            errors.add(prefix + "." + key, "not a number: '" + v + "'");
            return defaultValue;
        }
    }

    /** A duration in Spring's notation ({@code 300ms}, {@code 2s}) or ISO-8601 ({@code PT2S}). */
    public Duration duration(String key, Duration defaultValue) {
        return duration(key, defaultValue, false);
    }

    /** A duration; {@code allowZero} accepts {@code 0} / {@code 0s} (e.g. "do not wait", "off"). */
    public Duration duration(String key, Duration defaultValue, boolean allowZero) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            Duration d = v.equals("0") ? Duration.ZERO : DurationStyle.detectAndParse(v);
            if (d.isNegative() || (d.isZero() && !allowZero)) {
                errors.add(prefix + "." + key, "must be positive, was " + v);
                return defaultValue;
            }
            return d;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            errors.add(prefix + "." + key, "not a duration (e.g. 300ms, 2s): '" + v + "'");
            return defaultValue;
        }
    }

    public Path path(String key, Path defaultValue) {
        String v = string(key, null);
        return v == null ? defaultValue : Path.of(v);
    }

    /** A list given as a YAML list or as one comma-separated string; empty when absent. */
    public List<String> list(String key) {
        read.add(key);
        List<String> out = new ArrayList<>();
        String single = values.get(key);
        if (single != null) {
            Arrays.stream(single.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        Map<Integer, String> indexed = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Matcher m = INDEXED.matcher(e.getKey());
            if (m.matches() && m.group(1).equals(key)) {
                read.add(e.getKey());
                indexed.put(Integer.parseInt(m.group(2)), e.getValue().trim());
            }
        }
        out.addAll(indexed.values());
        return out;
    }

    /** The entries under {@code key.}: {@code voice.en: en-us} gives {@code {en=en-us}}. */
    public Map<String, String> map(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        String p = key + ".";
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().startsWith(p)) {
                read.add(e.getKey());
                out.put(e.getKey().substring(p.length()), e.getValue().trim());
            }
        }
        return out;
    }

    /** Reports every option key no getter asked for, with the known ones. Call after reading all options. */
    public void reportUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeIf(k -> read.contains(k) || read.contains(INDEXED.matcher(k).replaceAll("$1")));
        if (!unknown.isEmpty()) {
            errors.add(prefix, "unknown option(s) " + unknown + " (known: " + new TreeSet<>(read) + ")");
        }
    }

    /** Reports a problem with one option (a value the typed getters accepted but the adapter cannot use). */
    public void invalid(String key, String problem) {
        errors.add(prefix + "." + key, problem);
    }

    /** Where an option lives, for messages. */
    public String property(String key) {
        return prefix + "." + key;
    }
}

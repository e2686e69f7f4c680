package io.babelcall.pipeline.tts.espeak;

import io.babelcall.common.language.LanguageCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The voices {@code espeak-ng --voices} lists, and the best one for a language: an exact voice language first, then
 * the "other languages" column ({@code (en 2)} = serves {@code en} with priority 2), lower priority numbers first.
 */
final class EspeakVoices {

    private static final Pattern OTHER = Pattern.compile("\\(([^ )]+) (\\d+)\\)");

    /** One line of the listing: {@code language} is what {@code -v} accepts. */
    record Voice(int priority, String language, String file, List<Map.Entry<String, Integer>> others) {
    }

    private final List<Voice> voices;

    EspeakVoices(List<Voice> voices) {
        this.voices = List.copyOf(voices);
    }

    /** Parses the table printed by {@code espeak-ng --voices}. */
    static EspeakVoices parse(String listing) {
        List<Voice> out = new ArrayList<>();
        for (String line : listing.split("\n", -1)) {
            String[] cols = line.trim().split("\\s+", -1);
            if (cols.length < 5 || !cols[0].matches("\\d+")) {
                continue; // header or blank
            }
            List<Map.Entry<String, Integer>> others = new ArrayList<>();
            Matcher m = OTHER.matcher(line);
            while (m.find()) {
                others.add(Map.entry(m.group(1).toLowerCase(Locale.ROOT), Integer.parseInt(m.group(2))));
            }
            out.add(new Voice(Integer.parseInt(cols[0]), cols[1].toLowerCase(Locale.ROOT), cols[4], others));
        }
        return new EspeakVoices(out);
    }

    int size() {
        return voices.size();
    }

    boolean isVoice(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return voices.stream().anyMatch(v -> v.language().equals(n) || v.file().equalsIgnoreCase(name));
    }

    /** Every language (as product tags) some voice serves: voice languages and "other languages". */
    Set<LanguageCode> languages() {
        Set<LanguageCode> out = new TreeSet<>();
        for (Voice v : voices) {
            add(out, v.language());
            v.others().forEach(o -> add(out, o.getKey()));
        }
        return out;
    }

    /** The {@code -v} argument for a language: exact match, then other-languages match, then the primary language. */
    Optional<String> voiceFor(LanguageCode language) {
        String tag = language.value().toLowerCase(Locale.ROOT);
        Optional<String> exact = best(tag);
        return exact.isPresent() ? exact : best(language.primary());
    }

    /** A voice for exactly this tag (not its primary language). */
    Optional<String> exactVoice(LanguageCode language) {
        return best(language.value().toLowerCase(Locale.ROOT));
    }

    private Optional<String> best(String tag) {
        record Candidate(String voice, int priority) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Voice v : voices) {
            if (v.language().equals(tag)) {
                candidates.add(new Candidate(v.language(), v.priority()));
            }
            for (Map.Entry<String, Integer> o : v.others()) {
                if (o.getKey().equals(tag)) {
                    candidates.add(new Candidate(v.language(), o.getValue()));
                }
            }
        }
        return candidates.stream().min(Comparator.comparingInt(Candidate::priority)).map(Candidate::voice);
    }

    private static void add(Set<LanguageCode> out, String tag) {
        if (LanguageCode.isValid(tag)) {
            out.add(LanguageCode.of(tag));
        }
    }
}

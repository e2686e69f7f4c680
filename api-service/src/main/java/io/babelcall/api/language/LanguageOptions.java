package io.babelcall.api.language;

import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the join form's choices from what the orchestrator's engines can do. Engines route on the primary language
 * ({@code en} serves {@code en-US}), so a translation pair applies to every spoken language with the same primary
 * subtag as its source, and a synthesis voice to every caption language with the same primary subtag.
 */
public final class LanguageOptions {

    private static final Comparator<LanguageCode> BY_NAME =
            Comparator.comparing(LanguageCode::displayName).thenComparing(LanguageCode::value);

    private LanguageOptions() {
    }

    public static Languages from(EngineCapabilities capabilities, Instant updatedAt) {
        List<LanguageCode> recognition = clean(capabilities.recognition());
        List<TranslationPair> pairs = capabilities.translation() == null ? List.of()
                : capabilities.translation().stream()
                        .filter(p -> p != null && p.source() != null && p.target() != null).toList();
        List<LanguageCode> synthesis = clean(capabilities.synthesis());

        List<Languages.Spoken> spoken = new ArrayList<>();
        Map<LanguageCode, Set<LanguageCode>> sourcesByCaption = new TreeMap<>(BY_NAME);
        for (LanguageCode s : recognition.stream().sorted(BY_NAME).toList()) {
            Set<LanguageCode> targets = new LinkedHashSet<>();
            targets.add(s);
            pairs.stream().filter(p -> p.source().samePrimaryAs(s)).map(TranslationPair::target)
                    .sorted(BY_NAME).forEach(targets::add);
            spoken.add(new Languages.Spoken(s, s.displayName(), List.copyOf(targets)));
            for (LanguageCode target : targets) {
                sourcesByCaption.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(s);
            }
        }
        List<Languages.Caption> captions = new ArrayList<>();
        List<Languages.Option> dubbing = new ArrayList<>();
        sourcesByCaption.forEach((caption, sources) -> {
            boolean dubbable = synthesis.stream().anyMatch(v -> v.samePrimaryAs(caption));
            captions.add(new Languages.Caption(caption, caption.displayName(), List.copyOf(sources), dubbable));
            if (dubbable) {
                dubbing.add(new Languages.Option(caption, caption.displayName()));
            }
        });
        return new Languages(List.copyOf(spoken), List.copyOf(captions), List.copyOf(dubbing), updatedAt, false);
    }

    private static List<LanguageCode> clean(List<LanguageCode> codes) {
        return codes == null ? List.of() : codes.stream().filter(Objects::nonNull).distinct().toList();
    }
}

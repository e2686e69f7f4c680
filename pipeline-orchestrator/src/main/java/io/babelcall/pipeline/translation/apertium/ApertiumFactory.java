package io.babelcall.pipeline.translation.apertium;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.Binaries;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.translation.Translator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Type {@code apertium}: local pipelines from the installed {@code .mode} files. Options: {@code modes-dir}
 * ({@code /usr/share/apertium/modes}), {@code modes} (directions to use, e.g. {@code eng-spa,spa-eng}; default every
 * installed plain direction), {@code preload} (true: start and warm every pipeline at start-up), {@code max-chars}
 * (2000), {@code stall-timeout} (the instance timeout), {@code start-timeout} (30 s: a fresh pipeline's first answer).
 */
public class ApertiumFactory implements EngineFactory<Translator> {

    public static final String TYPE = "apertium";
    /** A fresh pipeline's first answer: eight cold-started at once took 4.4 s of two cores (docs/engines.md). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, String> PACKAGES = Map.of(
            "lrx-proc", "apertium-lex-tools",
            "lt-proc", "lttoolbox",
            "cg-proc", "cg3",
            "vislcg3", "cg3",
            "lsx-proc", "apertium-separable",
            "apertium-anaphora", "apertium-anaphora");

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
        Path dir = o.path("modes-dir", Path.of("/usr/share/apertium/modes"));
        List<String> wanted = o.list("modes");
        boolean preload = o.bool("preload", true);
        int maxChars = o.integer("max-chars", 2000, 1, 100_000);
        Duration stall = o.duration("stall-timeout", def.timeout());
        Duration start = o.duration("start-timeout", START_TIMEOUT);

        if (!Files.isDirectory(dir)) {
            errors.add(o.property("modes-dir"), dir + " does not exist; install Apertium language pairs, e.g.: "
                    + "apt-get install -y apertium apertium-eng-spa apertium-eng-cat");
            return null;
        }
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".mode"))
                    .map(n -> n.substring(0, n.length() - ".mode".length()))
                    .filter(ApertiumMode::isDirection)
                    .forEach(names::add);
        } catch (IOException e) {
            errors.add(o.property("modes-dir"), "cannot list " + dir + ": " + e.getMessage());
            return null;
        }
        if (!wanted.isEmpty()) {
            for (String w : wanted) {
                if (!names.contains(w)) {
                    errors.add(o.property("modes"), "mode '" + w + "' is not installed in " + dir + " (installed: "
                            + names + "); install its package, e.g. apt-get install -y apertium-" + w);
                }
            }
            names.retainAll(wanted);
        }
        if (names.isEmpty()) {
            errors.add(o.property("modes-dir"), "no Apertium translation modes in " + dir
                    + "; install pairs, e.g.: apt-get install -y apertium-eng-spa apertium-eng-cat");
            return null;
        }
        Map<TranslationPair, ApertiumPipeline> pipelines = new LinkedHashMap<>();
        Set<String> missing = new TreeSet<>();
        for (String n : names) {
            ApertiumMode mode;
            try {
                mode = ApertiumMode.read(dir.resolve(n + ".mode"));
            } catch (IOException e) {
                errors.add(o.property("modes"), "cannot read mode " + n + ": " + e.getMessage());
                continue;
            }
            Optional<LanguageCode> source = ApertiumLanguages.fromApertium(mode.source());
            Optional<LanguageCode> target = ApertiumLanguages.fromApertium(mode.target());
            if (source.isEmpty() || target.isEmpty()) {
                continue;
            }
            for (List<String> command : mode.commands()) {
                String program = command.get(0);
                if (Binaries.find(program) == null && missing.add(program)) {
                    String pkg = PACKAGES.getOrDefault(Path.of(program).getFileName().toString(), "apertium");
                    errors.add(def.property(), "'" + program + "' (needed by mode " + n + ") is not installed; "
                            + "install it with: apt-get install -y " + pkg);
                }
            }
            pipelines.putIfAbsent(new TranslationPair(source.get(), target.get()), new ApertiumPipeline(mode, stall, start));
        }
        if (!missing.isEmpty() || pipelines.isEmpty()) {
            pipelines.values().forEach(ApertiumPipeline::close);
            if (pipelines.isEmpty() && missing.isEmpty()) {
                errors.add(o.property("modes"), "none of the modes " + names + " maps to language tags");
            }
            return null;
        }
        ApertiumTranslator translator = new ApertiumTranslator(def.name(), pipelines, maxChars);
        if (preload) {
            translator.warmUp();
        }
        return translator;
    }
}

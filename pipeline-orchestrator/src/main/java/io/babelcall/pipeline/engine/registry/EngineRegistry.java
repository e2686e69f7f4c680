package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.resilience.ResilienceSettings;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineConfigurationException;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.Languages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine instances built from {@code babelcall.engines.*} and the validated routes. {@link #create} checks the
 * whole configuration and throws one {@link EngineConfigurationException} listing every error, so the service fails
 * fast with a readable list instead of failing on the first call.
 */
public final class EngineRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EngineRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final String INSTANCES = "babelcall.engines.instances";
    private static final String ROUTES = "babelcall.engines.routes";

    /** One created engine with its configuration; {@code kind} types the engine by its role. */
    public record Instance<E>(String name, String type, EngineKind<E> kind, boolean required, Duration timeout,
                              Map<String, String> options, ResilienceSettings resilience, E engine) {

        public EngineRole role() {
            return kind.role();
        }

        public Set<LanguageCode> languages() {
            return kind.languages(engine);
        }

        public Set<TranslationPair> pairs() {
            return kind.pairs(engine);
        }

        /** This instance typed as an engine of {@code wanted}'s role; empty when it has another role. */
        public <T> Optional<Instance<T>> as(EngineKind<T> wanted) {
            return wanted != kind ? Optional.empty() : Optional.of(new Instance<>(name, type, wanted, required,
                    timeout, options, resilience, wanted.type().cast(engine)));
        }

        /** Identity of the engine and its settings for cache keys: a changed option must not serve old results. */
        public String fingerprint() {
            return name + "|" + type + "|" + new TreeMap<>(options);
        }

        String describeServed() {
            Collection<?> served = role() == EngineRole.MT ? pairs().stream()
                    .map(p -> p.source() + "->" + p.target()).toList() : languages();
            String s = new TreeSet<>(served.stream().map(Object::toString).toList()).toString();
            return s.length() > 200 ? s.substring(0, 200) + "...]" : s;
        }
    }

    private final Map<String, Instance<?>> instances;
    private final RouteTable routes;

    private EngineRegistry(Map<String, Instance<?>> instances, RouteTable routes) {
        this.instances = instances;
        this.routes = routes;
    }

    /** Every instance by name, of any role. */
    public Map<String, Instance<?>> instances() {
        return instances;
    }

    /** The instances of one role, typed, in name order. */
    public <E> List<Instance<E>> instances(EngineKind<E> kind) {
        return new TreeMap<>(instances).values().stream().flatMap(i -> i.as(kind).stream()).toList();
    }

    /** The engine of instance {@code name} if it exists and has {@code kind}'s role. */
    public <E> Optional<E> engine(String name, EngineKind<E> kind) {
        return Optional.ofNullable(instances.get(name)).flatMap(i -> i.as(kind)).map(Instance::engine);
    }

    public RouteTable routes() {
        return routes;
    }

    /** Builds every enabled instance and validates the routes; throws listing every configuration error. */
    public static EngineRegistry create(EnginesProperties properties, List<? extends EngineFactory<?>> factories) {
        ConfigErrors errors = new ConfigErrors();
        Map<String, EngineFactory<?>> byType = new TreeMap<>();
        for (EngineFactory<?> f : factories) {
            if (byType.putIfAbsent(f.type(), f) != null) {
                errors.add("two engine factories declare type '" + f.type() + "'");
            }
        }
        Map<EngineRole, ResilienceSettings> roleResilience = new EnumMap<>(EngineRole.class);
        for (EngineRole role : EngineRole.values()) {
            EngineOptions o = new EngineOptions("babelcall.engines.resilience." + role.tag(),
                    properties.resilience().of(role), errors);
            roleResilience.put(role, ResilienceSettings.parse(o, ResilienceSettings.defaults(role), role));
            o.reportUnknown();
        }
        Map<String, Instance<?>> created = new LinkedHashMap<>();
        Map<String, String> notCreated = new HashMap<>(); // name -> why (disabled or failed)
        for (Map.Entry<String, EnginesProperties.Instance> e : new TreeMap<>(properties.instances()).entrySet()) {
            String name = e.getKey();
            EnginesProperties.Instance spec = e.getValue();
            String prop = INSTANCES + "." + name;
            if (!NAME.matcher(name).matches()) {
                errors.add(prop, "instance names may use letters, digits, '-' and '_' only");
            }
            if (!spec.enabled()) {
                notCreated.put(name, "disabled");
                continue;
            }
            notCreated.put(name, "failed");
            if (spec.type() == null || spec.type().isBlank()) {
                errors.add(prop + ".type", "missing (known types: " + byType.keySet() + ")");
                continue;
            }
            EngineFactory<?> factory = byType.get(spec.type().trim());
            if (factory == null) {
                errors.add(prop + ".type", "unknown type '" + spec.type() + "' (known types: " + byType.keySet() + ")");
                continue;
            }
            Duration timeout = spec.timeout() != null ? spec.timeout() : properties.timeouts().of(factory.role());
            if (timeout.isNegative() || timeout.isZero()) {
                errors.add(prop + ".timeout", "must be positive");
                continue;
            }
            EngineOptions resilienceOptions = new EngineOptions(prop + ".resilience", spec.resilience(), errors);
            ResilienceSettings resilience = ResilienceSettings.parse(resilienceOptions,
                    roleResilience.get(factory.role()), factory.role());
            resilienceOptions.reportUnknown();
            EngineOptions options = new EngineOptions(prop + ".options", spec.options(), errors);
            EngineDefinition def = new EngineDefinition(name, factory.type(), spec.required(), timeout, options);
            Object engine;
            try {
                engine = factory.create(def, errors);
            } catch (RuntimeException ex) {
                errors.add(prop, "cannot create " + factory.type() + " engine: " + ex.getMessage());
                engine = null;
            }
            options.reportUnknown();
            if (engine == null) {
                continue;
            }
            EngineKind<?> kind = EngineKind.of(factory.role());
            if (!kind.type().isInstance(engine)) {
                errors.add(prop, "factory of type '" + factory.type() + "' built no " + kind.type().getSimpleName());
                closeQuietly(engine);
                continue;
            }
            created.put(name, typed(kind, name, factory.type(), spec.required(), timeout, options.asMap(), resilience,
                    engine));
            notCreated.remove(name);
        }

        EnginesProperties.Routes r = properties.routes();
        Map<String, String> stt = languageRoutes(EngineRole.STT, r.stt(), created, notCreated, errors);
        Map<String, String> tts = languageRoutes(EngineRole.TTS, r.tts(), created, notCreated, errors);
        Map<String, String> mt = pairRoutes(r.mt(), created, notCreated, errors);

        if (!errors.isEmpty()) {
            created.values().forEach(i -> closeQuietly(i.engine()));
            errors.throwIfAny();
        }
        Set<String> routed = new TreeSet<>();
        routed.addAll(stt.values());
        routed.addAll(mt.values());
        routed.addAll(tts.values());
        for (String name : created.keySet()) {
            if (!routed.contains(name)) {
                log.info("engine instance '{}' is configured but no route uses it", name);
            }
        }
        log.info("engines: {}; routes stt={} mt={} tts={}", created.keySet(), new TreeMap<>(stt), new TreeMap<>(mt),
                new TreeMap<>(tts));
        return new EngineRegistry(Map.copyOf(created), new RouteTable(stt, mt, tts));
    }

    private static Map<String, String> languageRoutes(EngineRole role, List<EnginesProperties.LanguageRoute> list,
                                                      Map<String, Instance<?>> created, Map<String, String> notCreated,
                                                      ConfigErrors errors) {
        Map<String, String> table = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            EnginesProperties.LanguageRoute route = list.get(i);
            String prop = ROUTES + "." + role.tag() + "[" + i + "]";
            Instance<?> instance = checkInstance(role, prop, route.engine(), created, notCreated, errors);
            if (route.languages().isEmpty()) {
                errors.add(prop + ".languages", "empty (use a language tag such as 'en', or \"*\")");
            }
            for (String raw : route.languages()) {
                String key = languageKey(raw, prop + ".languages", errors);
                if (key == null) {
                    continue;
                }
                String previous = table.putIfAbsent(key, route.engine());
                if (previous != null) {
                    errors.add(prop, role.tag() + " language '" + key + "' is routed twice (to '" + previous + "' and '"
                            + route.engine() + "')");
                }
                if (instance != null && !key.equals(RouteTable.ANY)
                        && !Languages.serves(instance.languages(), LanguageCode.of(key))) {
                    errors.add(prop, "instance '" + instance.name() + "' (" + instance.type() + ") cannot "
                            + (role == EngineRole.STT ? "recognise" : "synthesise") + " '" + key + "'; it serves "
                            + instance.describeServed());
                }
            }
        }
        return table;
    }

    private static Map<String, String> pairRoutes(List<EnginesProperties.PairRoute> list, Map<String, Instance<?>> created,
                                                  Map<String, String> notCreated, ConfigErrors errors) {
        Map<String, String> table = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            EnginesProperties.PairRoute route = list.get(i);
            String prop = ROUTES + ".mt[" + i + "]";
            Instance<?> instance = checkInstance(EngineRole.MT, prop, route.engine(), created, notCreated, errors);
            if (route.pairs().isEmpty()) {
                errors.add(prop + ".pairs", "empty (use 'en->es', 'en<->vi', '*->es', 'en->*' or \"*\")");
            }
            for (String raw : route.pairs()) {
                for (String[] pair : parsePair(raw, prop + ".pairs", errors)) {
                    String key = RouteTable.pairKey(pair[0], pair[1]);
                    String previous = table.putIfAbsent(key, route.engine());
                    if (previous != null) {
                        errors.add(prop, "translation pair '" + key + "' is routed twice (to '" + previous + "' and '"
                                + route.engine() + "')");
                    }
                    boolean explicit = !pair[0].equals(RouteTable.ANY) && !pair[1].equals(RouteTable.ANY);
                    if (instance != null && explicit
                            && !Languages.serves(instance.pairs(), LanguageCode.of(pair[0]), LanguageCode.of(pair[1]))) {
                        errors.add(prop, "instance '" + instance.name() + "' (" + instance.type() + ") cannot translate '"
                                + key + "'; it serves " + instance.describeServed());
                    }
                }
            }
        }
        return table;
    }

    /** {@code en->es}, {@code en<->vi}, {@code *->es}, {@code en->*}, {@code *}: as [source, target] keys. */
    private static List<String[]> parsePair(String raw, String prop, ConfigErrors errors) {
        String s = raw == null ? "" : raw.trim();
        if (s.equals(RouteTable.ANY)) {
            return List.<String[]>of(new String[] {RouteTable.ANY, RouteTable.ANY});
        }
        boolean both = s.contains("<->");
        String[] parts = s.split(both ? "<->" : "->", -1);
        if (parts.length != 2) {
            errors.add(prop, "'" + raw + "' is not a pair (use 'en->es', 'en<->vi', '*->es', 'en->*' or \"*\")");
            return List.of();
        }
        String a = languageKey(parts[0], prop, errors);
        String b = languageKey(parts[1], prop, errors);
        if (a == null || b == null) {
            return List.of();
        }
        if (!a.equals(RouteTable.ANY) && a.equals(b)) {
            errors.add(prop, "'" + raw + "' translates a language into itself (the pipeline never asks for that)");
            return List.of();
        }
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {a, b});
        if (both) {
            if (a.equals(RouteTable.ANY) || b.equals(RouteTable.ANY)) {
                errors.add(prop, "'" + raw + "': '<->' needs two languages; use '->' with wildcards");
                return List.of();
            }
            out.add(new String[] {b, a});
        }
        return out;
    }

    private static String languageKey(String raw, String prop, ConfigErrors errors) {
        String s = raw == null ? "" : raw.trim();
        if (s.equals(RouteTable.ANY)) {
            return s;
        }
        if (!LanguageCode.isValid(s)) {
            errors.add(prop, "'" + raw + "' is not a language tag (e.g. 'en', 'pt-BR') nor \"*\"");
            return null;
        }
        return LanguageCode.of(s).value();
    }

    private static Instance<?> checkInstance(EngineRole role, String prop, String name, Map<String, Instance<?>> created,
                                          Map<String, String> notCreated, ConfigErrors errors) {
        if (name == null || name.isBlank()) {
            errors.add(prop + ".engine", "missing (an instance name from " + INSTANCES + ")");
            return null;
        }
        Instance<?> instance = created.get(name);
        if (instance == null) {
            String why = notCreated.get(name);
            if (why == null) {
                errors.add(prop + ".engine", "routes to unknown instance '" + name + "' (defined: "
                        + new TreeSet<>(union(created.keySet(), notCreated.keySet())) + ")");
            } else if (why.equals("disabled")) {
                errors.add(prop + ".engine", "routes to instance '" + name + "', which is disabled");
            }
            return null; // failed instances already have their own error
        }
        if (instance.role() != role) {
            errors.add(prop + ".engine", "instance '" + name + "' is a " + instance.role().tag() + " engine (type "
                    + instance.type() + "), not " + role.tag());
            return null;
        }
        return instance;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.addAll(b);
        return s;
    }

    /** {@code engine} was checked to be a {@code kind.type()}: {@link Class#cast} keeps that checked. */
    private static <E> Instance<E> typed(EngineKind<E> kind, String name, String type, boolean required,
                                         Duration timeout, Map<String, String> options, ResilienceSettings resilience,
                                         Object engine) {
        return new Instance<>(name, type, kind, required, timeout, options, resilience, kind.type().cast(engine));
    }

    /** What the routes can do: explicit routes as configured, wildcard routes expanded to what the engine serves. */
    public EngineCapabilities capabilities() {
        SortedSet<LanguageCode> recognition = languageCapabilities(routes.stt());
        SortedSet<LanguageCode> synthesis = languageCapabilities(routes.tts());
        Map<String, TranslationPair> translation = new TreeMap<>();
        routes.mt().forEach((key, name) -> {
            String[] st = key.split("->", -1);
            Instance<?> instance = instances.get(name);
            if (!st[0].equals(RouteTable.ANY) && !st[1].equals(RouteTable.ANY)) {
                TranslationPair p = new TranslationPair(LanguageCode.of(st[0]), LanguageCode.of(st[1]));
                translation.put(p.source() + ">" + p.target(), p);
                return;
            }
            for (TranslationPair p : instance.pairs()) {
                boolean sourceOk = st[0].equals(RouteTable.ANY) || p.source().samePrimaryAs(LanguageCode.of(st[0]));
                boolean targetOk = st[1].equals(RouteTable.ANY) || p.target().samePrimaryAs(LanguageCode.of(st[1]));
                if (sourceOk && targetOk) {
                    translation.put(p.source() + ">" + p.target(), p);
                }
            }
        });
        return new EngineCapabilities(List.copyOf(recognition), List.copyOf(translation.values()),
                List.copyOf(synthesis));
    }

    private SortedSet<LanguageCode> languageCapabilities(Map<String, String> table) {
        TreeSet<LanguageCode> out = new TreeSet<>();
        table.forEach((key, name) -> {
            if (key.equals(RouteTable.ANY)) {
                out.addAll(instances.get(name).languages());
            } else {
                out.add(LanguageCode.of(key));
            }
        });
        return out;
    }

    @Override
    public void close() {
        instances.values().forEach(i -> closeQuietly(i.engine()));
    }

    private static void closeQuietly(Object engine) {
        if (engine instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("closing engine failed: {}", e.toString());
            }
        }
    }
}

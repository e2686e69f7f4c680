import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks that every metric a Grafana dashboard panel or a Prometheus alert rule uses is really emitted.
 * Single-file program (JDK 17, no dependencies), run from the repository root:
 *
 * <pre>
 * java deploy/tools/MetricNames.java list
 *     prints every metric name used, with the files that use it
 * java deploy/tools/MetricNames.java contract [docs/metrics.md]
 *     every used name must be in docs/metrics.md, in deploy/tools/standard-metrics.txt (Micrometer JVM/HTTP/process,
 *     resilience4j) or in deploy/tools/external-metrics.txt (Prometheus/exporters); timers expand to
 *     _count/_sum/_max/_bucket, as Micrometer emits them with histograms on
 * java deploy/tools/MetricNames.java scrape FILE...
 *     every used name must appear as a sample in one of the scrape files (Prometheus text, e.g. saved from
 *     /actuator/prometheus of each running service) or in deploy/tools/external-metrics.txt
 * </pre>
 *
 * Options (before the mode): {@code --dashboards DIR} (default deploy/grafana/dashboards), {@code --rules DIR}
 * (default deploy/prometheus/rules), {@code --standard FILE}, {@code --external FILE}.
 * Exit 0 when everything used is emitted, 1 listing each missing name and where it is used, 2 on bad usage or input.
 *
 * <p>PromQL is parsed loosely: strings, label matchers {...}, ranges [...], Grafana variables ($x, ${x}) and the
 * label lists of by/without/on/ignoring/group_left/group_right are removed; what remains that is an identifier not
 * followed by "(" and not a keyword is a metric name.
 */
public class MetricNames {

    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "atan2", "inf", "nan", "le", "start", "end");
    static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    static final Pattern RULE_EXPR = Pattern.compile("^(\\s*)(?:-\\s+)?expr:\\s*(.*)$");

    public static void main(String[] args) throws IOException {
        Path dashboards = Path.of("deploy/grafana/dashboards");
        Path rules = Path.of("deploy/prometheus/rules");
        Path standard = Path.of("deploy/tools/standard-metrics.txt");
        Path external = Path.of("deploy/tools/external-metrics.txt");
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            if (i + 1 >= args.length) {
                usage("option " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--dashboards" -> dashboards = Path.of(args[i + 1]);
                case "--rules" -> rules = Path.of(args[i + 1]);
                case "--standard" -> standard = Path.of(args[i + 1]);
                case "--external" -> external = Path.of(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
            i += 2;
        }
        if (i >= args.length) {
            usage("missing mode");
        }
        String mode = args[i];
        List<String> rest = List.of(args).subList(i + 1, args.length);

        Map<String, Set<String>> used = new TreeMap<>();
        for (Path file : files(dashboards, ".json")) {
            for (String expr : dashboardExpressions(file)) {
                addAll(used, metricNames(expr), file.toString());
            }
        }
        for (Path file : files(rules, ".yml", ".yaml")) {
            for (String expr : ruleExpressions(file)) {
                addAll(used, metricNames(expr), file.toString());
            }
        }
        if (used.isEmpty()) {
            fail("no metric names found in " + dashboards + " or " + rules + ": nothing to check");
        }

        Set<String> known = new TreeSet<>(readNameList(external));
        String against;
        switch (mode) {
            case "list" -> {
                used.forEach((name, where) -> System.out.println(name + "\t" + String.join(", ", where)));
                return;
            }
            case "contract" -> {
                Path contract = rest.isEmpty() ? Path.of("docs/metrics.md") : Path.of(rest.get(0));
                Map<String, String> typed = contractNames(contract);
                if (typed.isEmpty()) {
                    fail("no metric rows found in " + contract);
                }
                typed.putAll(typedNameList(standard));
                typed.forEach((name, type) -> known.addAll(expand(name, type)));
                against = contract + " + " + standard + " + " + external;
            }
            case "scrape" -> {
                if (rest.isEmpty()) {
                    usage("scrape needs at least one scrape file");
                }
                for (String f : rest) {
                    Set<String> samples = scrapeNames(Path.of(f));
                    if (samples.isEmpty()) {
                        fail(f + " holds no Prometheus samples (is it the output of /actuator/prometheus?)");
                    }
                    known.addAll(samples);
                }
                against = String.join(" + ", rest) + " + " + external;
            }
            default -> {
                usage("unknown mode " + mode);
                return;
            }
        }

        Map<String, Set<String>> missing = new TreeMap<>();
        used.forEach((name, where) -> {
            if (!known.contains(name)) {
                missing.put(name, where);
            }
        });
        if (missing.isEmpty()) {
            System.out.println("OK: all " + used.size() + " metric names used by dashboards and alert rules are emitted ("
                    + against + ")");
            return;
        }
        System.out.println("MISSING: " + missing.size() + " of " + used.size()
                + " metric names used by dashboards/alert rules are emitted by nothing (" + against + "):");
        missing.forEach((name, where) -> System.out.println("  " + name + "   used in " + String.join(", ", where)));
        System.exit(1);
    }

    // ------------------------------------------------------------------------------------------------ PromQL

    /** Metric names in one (loosely parsed) PromQL expression. */
    static Set<String> metricNames(String expr) {
        String s = expr;
        s = s.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", " \"\" ");   // "strings"
        s = s.replaceAll("'(?:\\\\.|[^'\\\\])*'", " '' ");
        s = s.replaceAll("`[^`]*`", " `` ");
        s = s.replaceAll("\\$\\{[^}]*}", " 1 ");                    // Grafana ${var}
        s = s.replaceAll("\\$[A-Za-z_][A-Za-z0-9_]*", " 1 ");       // Grafana $var, $__rate_interval
        s = removeBracketed(s, '{', '}');                           // label matchers
        s = removeBracketed(s, '[', ']');                           // ranges and subqueries
        s = s.replaceAll("#[^\\n]*", " ");                          // comments
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        int pos = 0;
        while (m.find(pos)) {
            String id = m.group();
            int end = m.end();
            pos = end;
            if (m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.')) {
                continue;                                          // part of a number / duration like 1e3, 0.5
            }
            int next = skipSpaces(s, end);
            if (LABEL_LIST_KEYWORDS.contains(id.toLowerCase())) {
                if (next < s.length() && s.charAt(next) == '(') {
                    pos = closing(s, next) + 1;                     // skip the label list
                }
                continue;
            }
            if (KEYWORDS.contains(id.toLowerCase())) {
                continue;
            }
            if (next < s.length() && s.charAt(next) == '(') {
                continue;                                          // function or aggregation
            }
            Matcher after = IDENT.matcher(s).region(next, s.length());
            if (after.lookingAt() && LABEL_LIST_KEYWORDS.contains(after.group().toLowerCase())) {
                continue;                                          // aggregation written "sum by (x) (...)"
            }
            names.add(id);
        }
        return names;
    }

    static String removeBracketed(String s, char open, char close) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (char c : s.toCharArray()) {
            if (c == open) {
                if (depth++ == 0) {
                    out.append(' ');
                }
            } else if (c == close && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static int closing(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '(') {
                depth++;
            } else if (s.charAt(i) == ')' && --depth == 0) {
                return i;
            }
        }
        return s.length() - 1;
    }

    // ------------------------------------------------------------------------------------------------ sources

    /** Every "expr" of a panel target (nested rows included) and every templating query. */
    static List<String> dashboardExpressions(Path file) throws IOException {
        Object json;
        try {
            json = new Json(Files.readString(file, StandardCharsets.UTF_8)).parse();
        } catch (IllegalArgumentException e) {
            fail(file + ": not valid JSON: " + e.getMessage());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        collect(json, null, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    static void collect(Object node, String key, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("datasource") instanceof Map<?, ?> ds
                    && ("loki".equals(ds.get("type")) || "loki".equals(ds.get("uid")))) {
                return;                                            // LogQL (a Loki panel/target), not PromQL
            }
            for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
                collect(e.getValue(), e.getKey(), out);
            }
        } else if (node instanceof List<?> list) {
            for (Object o : list) {
                collect(o, key, out);
            }
        } else if (node instanceof String text && key != null) {
            if (key.equals("expr")) {
                out.add(text);
            } else if (key.equals("query") || key.equals("definition")) {
                // Template variables: label_values(metric{...}, label) or query_result(expr).
                Matcher lv = Pattern.compile("label_values\\s*\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)\\s*$",
                        Pattern.DOTALL).matcher(text.trim());
                Matcher qr = Pattern.compile("query_result\\s*\\((.*)\\)\\s*$", Pattern.DOTALL).matcher(text.trim());
                if (lv.find()) {
                    out.add(lv.group(1));
                } else if (qr.find()) {
                    out.add(qr.group(1));
                }
            }
        }
    }

    /** The expr: values of a Prometheus rules file (plain, quoted, or | / > block scalars). */
    static List<String> ruleExpressions(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = RULE_EXPR.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            String value = m.group(2).trim();
            if (value.matches("[|>][+-]?")) {
                int keyIndent = lines.get(i).indexOf("expr:");
                StringBuilder block = new StringBuilder();
                while (i + 1 < lines.size()) {
                    String next = lines.get(i + 1);
                    if (!next.isBlank() && indent(next) <= keyIndent) {
                        break;
                    }
                    block.append(next).append('\n');
                    i++;
                }
                out.add(block.toString());
            } else if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                out.add(value.substring(1, value.length() - 1).replace("\\\"", "\""));
            } else {
                out.add(value);
            }
        }
        return out;
    }

    static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** Rows of the metrics contract table: | `name` | type | ... */
    static Map<String, String> contractNames(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|\\s*([^|]*)\\|");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                out.put(m.group(1), m.group(2).trim().toLowerCase());
            }
        }
        return out;
    }

    /** "name type" lines (type: counter, gauge, timer, histogram, summary); # comments. */
    static Map<String, String> typedNameList(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : readNameList(file)) {
            out.put(name, "gauge");
        }
        for (String line : lines(file)) {
            String[] parts = line.split("\\s+");
            if (parts.length >= 2) {
                out.put(parts[0], parts[1].toLowerCase());
            }
        }
        return out;
    }

    static List<String> readNameList(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : lines(file)) {
            out.add(line.split("\\s+")[0]);
        }
        return out;
    }

    static List<String> lines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            fail("missing file " + file);
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.replaceAll("#.*", "").trim();
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    /** The series names Micrometer's Prometheus registry emits for one meter. */
    static List<String> expand(String name, String type) {
        if (type.startsWith("timer") || type.startsWith("histogram") || type.startsWith("distribution")) {
            return List.of(name, name + "_count", name + "_sum", name + "_max", name + "_bucket");
        }
        if (type.startsWith("summary")) {
            return List.of(name, name + "_count", name + "_sum", name + "_max");
        }
        if (type.startsWith("counter") && !name.endsWith("_total")) {
            return List.of(name, name + "_total");
        }
        return List.of(name);
    }

    /** Sample names of a Prometheus text exposition (ignores # HELP/# TYPE lines). */
    static Set<String> scrapeNames(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            fail("missing scrape file " + file);
        }
        Set<String> out = new TreeSet<>();
        Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{|\\s)");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = sample.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static List<Path> files(Path dir, String... suffixes) throws IOException {
        if (!Files.isDirectory(dir)) {
            fail("missing directory " + dir);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted().toList();
        }
    }

    static void addAll(Map<String, Set<String>> used, Set<String> names, String where) {
        for (String n : names) {
            used.computeIfAbsent(n, k -> new TreeSet<>()).add(where);
        }
    }

    static void usage(String problem) {
        System.err.println("MetricNames: " + problem);
        System.err.println("usage: java deploy/tools/MetricNames.java [--dashboards DIR] [--rules DIR] [--standard FILE]"
                + " [--external FILE] (list | contract [docs/metrics.md] | scrape FILE...)");
        System.exit(2);
    }

    static void fail(String problem) {
        System.err.println("MetricNames: " + problem);
        System.exit(2);
    }

    /** Minimal JSON parser: objects become LinkedHashMap, arrays ArrayList, strings String, the rest Object. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    ws();
                    if (peek('}')) {
                        i++;
                        return map;
                    }
                    while (true) {
                        ws();
                        String key = string();
                        ws();
                        expect(':');
                        map.put(key, value());
                        ws();
                        if (peek(',')) {
                            i++;
                        } else {
                            expect('}');
                            return map;
                        }
                    }
                }
                case '[': {
                    i++;
                    List<Object> list = new ArrayList<>();
                    ws();
                    if (peek(']')) {
                        i++;
                        return list;
                    }
                    while (true) {
                        list.add(value());
                        ws();
                        if (peek(',')) {
                            i++;
                        } else {
                            expect(']');
                            return list;
                        }
                    }
                }
                case '"':
                    return string();
                default: {
                    Matcher m = Pattern.compile("-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null")
                            .matcher(s).region(i, s.length());
                    if (!m.lookingAt()) {
                        throw error("unexpected character '" + c + "'");
                    }
                    i = m.end();
                    return m.group();
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        case '"', '\\', '/' -> b.append(e);
                        default -> throw error("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw error("control character in string");
                } else {
                    b.append(c);
                }
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            return i < s.length() && s.charAt(i) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String what) {
            int line = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException(what + " at line " + line);
        }
    }
}

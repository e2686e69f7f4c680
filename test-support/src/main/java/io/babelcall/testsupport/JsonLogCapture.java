package io.babelcall.testsupport;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Captures the log events of a running Spring Boot application as the production format writes them: Spring Boot's
 * own structured-log encoder with the {@code ecs} format (what {@code logging.structured.format.console=ecs} uses),
 * attached to the root logger for the duration of a test. Lets a test check what operators will query (fields such as
 * {@code traceId}, {@code roomId}, {@code participantId}) on the shared test context, whatever its console format.
 * Needs logging initialised by a Spring Boot application (the encoder reads its environment).
 */
public final class JsonLogCapture implements AutoCloseable {

    /** Strict about duplicate keys: a log line with a key twice is broken JSON for Loki and many parsers. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender;

    private JsonLogCapture(String format) {
        LoggerContext context = root.getLoggerContext();
        if (context.getObject(Environment.class.getName()) == null) {
            // Outside a Spring application (plain unit tests) the encoder still needs an environment to read.
            StandardEnvironment env = new StandardEnvironment();
            env.getPropertySources().addFirst(new MapPropertySource("json-log-capture",
                    Map.of("spring.application.name", "test")));
            context.putObject(Environment.class.getName(), env);
        }
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat(format);
        encoder.start();
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8).strip());
            }
        };
        appender.setContext(context);
        appender.setName("json-log-capture");
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing in the ECS format. */
    public static JsonLogCapture ecs() {
        return new JsonLogCapture("ecs");
    }

    /** Every event captured so far, as the JSON objects the format wrote. */
    public List<Map<String, Object>> events() {
        return lines.stream().map(line -> JSON.readValue(line, OBJECT)).toList();
    }

    /** The first captured event whose {@code message} satisfies {@code message}. */
    public Optional<Map<String, Object>> find(Predicate<String> message) {
        return events().stream().filter(e -> e.get("message") instanceof String m && message.test(m)).findFirst();
    }

    /** The first captured event whose message starts with {@code prefix}, or an error listing what was captured. */
    public Map<String, Object> require(String prefix) {
        return find(m -> m.startsWith(prefix)).orElseThrow(() -> new AssertionError(
                "no log event '" + prefix + "...' among " + lines.size() + " captured:\n" + String.join("\n", lines)));
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}

package io.babelcall.pipeline.engine.remote;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.config.EnginesProperties;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.netty.channel.ChannelOption;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every remote adapter shares: one reactor-netty connection pool (pooled per remote host, bounded, idle
 * connections closed), the JSON mapper, the common options ({@code url}, {@code api-key}, {@code api-key-header},
 * {@code connect-timeout}, {@code max-response-size}) and the mapping of HTTP failures to engine errors (transient ones
 * are retried for MT/TTS by the resilience layer). Closed at shutdown.
 */
public class RemoteEngines implements AutoCloseable {

    private final ConnectionProvider pool;
    private final JsonMapper json;

    public RemoteEngines(EnginesProperties.Http http, JsonMapper json) {
        this.pool = ConnectionProvider.builder("babelcall-engines")
                .maxConnections(http.maxConnections())
                .pendingAcquireTimeout(http.pendingAcquireTimeout())
                .maxIdleTime(http.maxIdleTime())
                .build();
        this.json = json;
    }

    /** Defaults of {@code babelcall.engines.http} (tests). */
    public static RemoteEngines withDefaults(JsonMapper json) {
        return new RemoteEngines(new EnginesProperties.Http(64, Duration.ofSeconds(2), Duration.ofSeconds(30)), json);
    }

    public JsonMapper json() {
        return json;
    }

    /**
     * The common options of a remote instance.
     *
     * @param url              base URL without trailing slash
     * @param apiKey           secret, null when none; sent as {@code Authorization: Bearer <key>} or in
     *                         {@code apiKeyHeader} as is
     * @param apiKeyHeader     header that carries the key
     * @param connectTimeout   TCP connect time limit
     * @param maxResponseBytes larger replies fail the call (protects the heap from a runaway server)
     * @param timeout          the instance's time limit (the HTTP response time-out is a little longer, so the
     *                         resilience4j time limiter is what fires)
     */
    public record Endpoint(String name, String url, String apiKey, String apiKeyHeader, Duration connectTimeout,
                           int maxResponseBytes, Duration timeout) {

        /** The URL for messages: scheme, host, port and path only (never credentials or query). */
        public String display() {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                    + (u.getPath() == null ? "" : u.getPath());
        }
    }

    /**
     * Reads the common options; reports problems and returns null when the URL is missing or not usable.
     *
     * @param schemes allowed URL schemes, e.g. {@code http|https} or {@code ws|wss}
     */
    public Endpoint endpoint(EngineDefinition def, String example, String schemes, int defaultMaxResponseBytes) {
        EngineOptions o = def.options();
        String url = o.required("url", "base URL of the server, e.g. " + example);
        String apiKey = o.string("api-key", null);
        String header = o.string("api-key-header", HttpHeaders.AUTHORIZATION);
        Duration connect = o.duration("connect-timeout", Duration.ofSeconds(2));
        int maxResponse = o.integer("max-response-size", defaultMaxResponseBytes, 1024, 256 * 1024 * 1024);
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !uri.getScheme().matches(schemes) || uri.getHost() == null) {
                throw new IllegalArgumentException("needs " + schemes.replace("|", " or ") + "://host[:port][/path]");
            }
            if (uri.getUserInfo() != null) {
                throw new IllegalArgumentException("put credentials in api-key, not in the URL");
            }
        } catch (IllegalArgumentException e) {
            o.invalid("url", "'" + url + "' is not usable (" + e.getMessage() + ")");
            return null;
        }
        return new Endpoint(def.name(), url.replaceAll("/+$", ""), apiKey, header, connect, maxResponse, def.timeout());
    }

    /** A reactor-netty client on the shared pool with the endpoint's connect and response time-outs. */
    public HttpClient httpClient(Endpoint e) {
        return HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) e.connectTimeout().toMillis())
                .responseTimeout(e.timeout().plusMillis(500));
    }

    /** A reactor-netty client on the shared pool for WebSockets: connect time-out only (sockets live long). */
    public HttpClient webSocketClient(Endpoint e) {
        return HttpClient.create(pool)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) e.connectTimeout().toMillis());
    }

    /** A WebClient for the endpoint: base URL, credentials header, reply size limit, shared pool. */
    public WebClient webClient(Endpoint e) {
        WebClient.Builder b = WebClient.builder()
                .baseUrl(e.url())
                .clientConnector(new ReactorClientHttpConnector(httpClient(e)))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(e.maxResponseBytes()));
        if (e.apiKey() != null) {
            String value = e.apiKeyHeader().equalsIgnoreCase(HttpHeaders.AUTHORIZATION)
                    ? "Bearer " + e.apiKey() : e.apiKey();
            b.defaultHeader(e.apiKeyHeader(), value);
        }
        return b.build();
    }

    /**
     * Reads a 2xx reply body as {@code type}; any other status becomes an engine error naming the status and the
     * start of the reply (429 = rejected, 5xx = transient).
     */
    public static <T> Function<ClientResponse, Mono<T>> body(Endpoint e, Class<T> type) {
        return response -> {
            int status = response.statusCode().value();
            if (response.statusCode().is2xxSuccessful()) {
                return response.bodyToMono(type);
            }
            return response.bodyToMono(String.class).defaultIfEmpty("")
                    .onErrorReturn("")
                    .flatMap(text -> Mono.error(httpError(e, status, text)));
        };
    }

    static EngineException httpError(Endpoint e, int status, String body) {
        String message = e.name() + " (" + e.display() + ") answered HTTP " + status + ": " + abbreviate(body);
        if (status == 429) {
            return new EngineRejectedException(message);
        }
        return new EngineException(message, null, status >= 500 || status == 408);
    }

    /** Maps transport failures to engine errors: connection refused/reset and premature close are transient. */
    public static Throwable transportError(Endpoint e, Throwable t) {
        if (t instanceof EngineException || t instanceof IllegalArgumentException) {
            return t;
        }
        if (t instanceof DataBufferLimitException) {
            return new EngineException(e.name() + " (" + e.display() + ") sent a reply over the limit of "
                    + e.maxResponseBytes() + " bytes (option max-response-size)", t);
        }
        if (t instanceof WebClientRequestException || t instanceof PrematureCloseException
                || t instanceof ConnectException || t.getCause() instanceof ConnectException) {
            return new EngineException(e.name() + " (" + e.display() + ") unreachable: " + rootMessage(t), t, true);
        }
        return new EngineException(e.name() + " (" + e.display() + ") failed: " + rootMessage(t), t);
    }

    /** A reply that is not what the contract says. */
    public static EngineException malformed(Endpoint e, String what, String body) {
        return new EngineException(e.name() + " (" + e.display() + ") sent a malformed reply (" + what + "): "
                + abbreviate(body));
    }

    /** Option {@code languages}: language tags this instance serves. */
    public static Set<LanguageCode> languages(EngineOptions o, boolean required, String example) {
        Set<LanguageCode> out = new LinkedHashSet<>();
        List<String> raw = o.list("languages");
        for (String tag : raw) {
            if (LanguageCode.isValid(tag)) {
                out.add(LanguageCode.of(tag));
            } else {
                o.invalid("languages", "'" + tag + "' is not a language tag (e.g. en, vi, pt-BR)");
            }
        }
        if (raw.isEmpty() && required) {
            o.invalid("languages", "missing: the languages this server serves, e.g. " + example);
        }
        return out;
    }

    /** Option {@code pairs}: {@code en->es} or {@code en<->vi} entries. */
    public static Set<TranslationPair> pairs(EngineOptions o) {
        Set<TranslationPair> out = new LinkedHashSet<>();
        for (String p : o.list("pairs")) {
            boolean both = p.contains("<->");
            String[] st = p.split(both ? "<->" : "->", -1);
            if (st.length != 2 || !LanguageCode.isValid(st[0].trim()) || !LanguageCode.isValid(st[1].trim())) {
                o.invalid("pairs", "'" + p + "' is not a pair like 'en->es' or 'en<->vi'");
                continue;
            }
            LanguageCode s = LanguageCode.of(st[0].trim());
            LanguageCode t = LanguageCode.of(st[1].trim());
            out.add(new TranslationPair(s, t));
            if (both) {
                out.add(new TranslationPair(t, s));
            }
        }
        return out;
    }

    public static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getClass().getSimpleName() + ": " + r.getMessage();
    }

    @Override
    public void close() {
        pool.dispose();
    }
}

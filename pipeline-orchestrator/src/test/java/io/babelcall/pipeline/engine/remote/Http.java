package io.babelcall.pipeline.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.pipeline.engine.spi.EngineException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Helpers of the remote adapters' contract tests (MockWebServer answers, request and error assertions). */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private Http() {
    }

    public static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    /** A reply whose headers come only after {@code delay} (a stalled server). */
    public static MockResponse stalled(Duration delay, String body) {
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body)
                .headersDelay(delay.toMillis(), TimeUnit.MILLISECONDS).build();
    }

    public static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(r).as("request received by the mock server").isNotNull();
        return r;
    }

    public static JsonNode body(RecordedRequest r) {
        return JSON.readTree(r.getBody().utf8());
    }

    public static Headers headers(RecordedRequest r) {
        return r.getHeaders();
    }

    /** The error the Mono ends with (fails if it succeeds). */
    public static Throwable error(Mono<?> mono) {
        try {
            Object value = mono.block(Duration.ofSeconds(10));
            throw new AssertionError("expected an error, got " + value);
        } catch (AssertionError e) {
            throw e;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Asserts an {@link EngineException} naming the status, and whether it is transient (retried for MT/TTS). */
    public static void assertHttpError(Throwable e, int status, boolean isTransient, String detail) {
        assertThat(e).isInstanceOf(EngineException.class)
                .hasMessageContaining("HTTP " + status).hasMessageContaining(detail);
        assertThat(((EngineException) e).isTransient()).as("transient").isEqualTo(isTransient);
    }
}

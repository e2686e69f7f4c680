package io.babelcall.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The health probes of a service on {@code port}, as a load balancer or Kubernetes sees them, and the check that
 * readiness follows Redis: 503 within 1 s while Redis is stalled, liveness 200 all along, readiness 200 again by
 * itself once Redis is back.
 *
 * <p>A probe gets {@link #ATTEMPTS} tries of {@link #ANSWER_WITHIN} each, as a load balancer retries: on a machine
 * shared with other builds one request can lose its second to the scheduler. A readiness that hangs while Redis is
 * stalled (what this guards against) misses every try.
 */
public final class ReadinessProbe {

    /** What a probe may take to answer (issue #18: readiness answers within 1 s). */
    public static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    /** Tries per probe before it counts as unanswered. */
    public static final int ATTEMPTS = 3;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(ANSWER_WITHIN).build();

    private final int port;

    public ReadinessProbe(int port) {
        this.port = port;
    }

    /** Stalls {@code redis} (SIGSTOP), checks both probes, resumes it and waits for readiness to recover. */
    public void followsRedisThroughAStall(PrivateRedis redis) {
        assertEquals(200, status("readiness"), "readiness before the stall");
        redis.pause();
        try {
            assertEquals(503, status("readiness"), "readiness while Redis is stalled");
            assertEquals(200, status("liveness"), "liveness while Redis is stalled");
        } finally {
            redis.resume();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int last;
        while ((last = status("readiness")) != 200) {
            if (System.nanoTime() - deadline > 0) {
                fail("readiness still " + last + " 15 s after Redis came back");
            }
            pause(100); // polling interval of the await, not a timed wait for an effect
        }
        assertEquals(200, status("liveness"), "liveness after the stall");
    }

    /**
     * The status of {@code /actuator/health/{group}}; fails if none of {@link #ATTEMPTS} tries is answered within
     * {@link #ANSWER_WITHIN}.
     */
    public int status(String group) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/actuator/health/" + group);
        HttpTimeoutException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return HTTP.send(HttpRequest.newBuilder(uri).timeout(ANSWER_WITHIN).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (HttpTimeoutException e) {
                last = e;
            } catch (IOException e) {
                throw new AssertionError(group + " probe failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(group + " probe not answered within " + ANSWER_WITHIN.toMillis() + " ms in "
                + ATTEMPTS + " tries", last);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

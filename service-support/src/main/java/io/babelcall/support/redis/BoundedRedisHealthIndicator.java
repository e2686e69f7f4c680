package io.babelcall.support.redis;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * A Redis health check that answers within {@code timeout}: DOWN ("no answer within ...") when Redis does not, so the
 * readiness probe is 503 at once during an outage and 200 again, by itself, once Redis answers.
 */
public final class BoundedRedisHealthIndicator implements ReactiveHealthIndicator {

    /** Readiness must answer within 1 s; the Redis check gets half of it (signaling uses the same bound). */
    public static final Duration TIMEOUT = Duration.ofMillis(500);

    private final ReactiveHealthIndicator delegate;
    private final Duration timeout;

    public BoundedRedisHealthIndicator(ReactiveHealthIndicator delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
    }

    @Override
    public Mono<Health> health() {
        return Mono.defer(delegate::health)
                .timeout(timeout, Mono.fromSupplier(() -> Health.down()
                        .withDetail("error", "no answer within " + timeout.toMillis() + " ms").build()))
                .onErrorResume(e -> Mono.just(Health.down(e).build()));
    }
}

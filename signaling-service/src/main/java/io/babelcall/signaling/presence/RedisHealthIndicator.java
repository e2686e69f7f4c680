package io.babelcall.signaling.presence;

import java.time.Duration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health component {@code redis} (in the readiness group): Redis answers on the presence connection, with its
 * version as the detail, like Spring Data's indicator that this service does without.
 */
public class RedisHealthIndicator implements HealthIndicator {

    private final PresenceStore store;
    private final Duration timeout;

    public RedisHealthIndicator(PresenceStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("version", store.serverVersion(timeout)).build();
        } catch (Exception e) {
            return Health.down(e).build();
        }
    }
}

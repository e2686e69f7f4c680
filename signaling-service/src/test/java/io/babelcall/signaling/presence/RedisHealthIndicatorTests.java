package io.babelcall.signaling.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code redis} component; the UP case against a real Redis is in {@code SignalingReplicasTests}. */
class RedisHealthIndicatorTests {

    @Test
    void redisThatDoesNotAnswerInTimeIsDownWithTheReason() throws Exception {
        PresenceStore store = mock(PresenceStore.class);
        when(store.serverVersion(any())).thenThrow(new RedisCommandTimeoutException("Command timed out after 2 second(s)"));

        Health health = new RedisHealthIndicator(store, Duration.ofSeconds(2)).health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("error").toString()).contains("timed out");
    }
}

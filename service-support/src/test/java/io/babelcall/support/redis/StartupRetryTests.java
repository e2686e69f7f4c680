package io.babelcall.support.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupRetryTests {

    @Test
    void aConnectionThatFailsAtFirstIsTriedAgainUntilItWorks() {
        AtomicInteger tries = new AtomicInteger();
        String connected = StartupRetry.connect("test connection", Duration.ofSeconds(10), () -> {
            if (tries.incrementAndGet() < 3) {
                throw new IllegalStateException("Unable to connect to Redis");
            }
            return "connected";
        });
        assertThat(connected).isEqualTo("connected");
        assertThat(tries).hasValue(3);
    }

    @Test
    void afterItsPatienceTheLastFailureIsThrown() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> StartupRetry.connect("test connection", Duration.ofMillis(600), () -> {
            throw new IllegalStateException("refused " + tries.incrementAndGet());
        })).isInstanceOf(IllegalStateException.class).hasMessage("refused " + tries.get());
        assertThat(tries.get()).as("250 ms, then 500 ms would pass the 600 ms").isEqualTo(2);
    }
}

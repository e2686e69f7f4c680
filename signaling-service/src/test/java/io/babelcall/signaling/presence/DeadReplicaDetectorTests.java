package io.babelcall.signaling.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeadReplicaDetectorTests {

    static final long S = 1_000_000_000L;
    final DeadReplicaDetector deaths = new DeadReplicaDetector(10 * S);

    @Test
    void aKeyMissingForTheWholeWindowWhileRedisWorksIsADeath() {
        assertThat(deaths.confirmDead(List.of("r1"), 0)).isEmpty();
        assertThat(deaths.confirmDead(List.of("r1"), 5 * S)).isEmpty();
        assertThat(deaths.confirmDead(List.of("r1"), 10 * S)).containsExactly("r1");
    }

    @Test
    void anOutageOfOurOwnRestartsTheWindow() {
        // Every key expired during an outage that everyone saw; our own refresh failed meanwhile.
        assertThat(deaths.confirmDead(List.of("r1", "r2"), 0)).isEmpty();
        deaths.redisFailed();
        assertThat(deaths.confirmDead(List.of("r1", "r2"), 12 * S)).as("first look after the outage").isEmpty();
        // r1 refreshed its key within a refresh interval of Redis coming back; r2 did not, for a whole window
        assertThat(deaths.confirmDead(List.of("r2"), 15 * S)).isEmpty();
        assertThat(deaths.confirmDead(List.of("r2"), 22 * S)).containsExactly("r2");
    }

    @Test
    void aReplicaWhoseKeyComesBackStartsAfreshIfItGoesMissingAgain() {
        deaths.confirmDead(List.of("r1"), 0);
        deaths.confirmDead(List.of(), 8 * S);
        assertThat(deaths.confirmDead(List.of("r1"), 9 * S)).isEmpty();
        assertThat(deaths.confirmDead(List.of("r1"), 18 * S)).isEmpty();
        assertThat(deaths.confirmDead(List.of("r1"), 19 * S)).containsExactly("r1");
    }
}

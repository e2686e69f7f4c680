package io.babelcall.signaling.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EmptyRoomSweeperTests {

    static final JsonMapper JSON = JsonMapper.builder().build();

    long now;
    final List<String> destroyed = new CopyOnWriteArrayList<>();
    final EmptyRoomSweeper sweeper = new EmptyRoomSweeper(Duration.ofSeconds(30), (node, janus, room) -> {
        destroyed.add(node + "/" + room);
        return CompletableFuture.completedFuture(true);
    }, () -> now);

    /** A VideoRoom {@code list} as Janus answers it: room id and participant count each. */
    static JsonNode list(Object... roomAndCount) {
        var array = JSON.createArrayNode();
        for (int i = 0; i < roomAndCount.length; i += 2) {
            array.addObject().put("room", (String) roomAndCount[i]).put("description", "Room")
                    .put("num_participants", (Integer) roomAndCount[i + 1]).put("audiocodec", "opus");
        }
        return array;
    }

    void poll(long atSeconds, JsonNode rooms) {
        now = Duration.ofSeconds(atSeconds).toNanos();
        sweeper.listed("node-1", null, rooms);
    }

    @Test
    void aRoomEmptyInEveryPollForTheGraceIsDestroyedOnce() {
        poll(0, list("r1", 0, "busy", 3));
        poll(15, list("r1", 0, "busy", 3));
        assertThat(destroyed).isEmpty();
        poll(30, list("r1", 0, "busy", 3));
        assertThat(destroyed).containsExactly("node-1/r1");
        poll(45, list("busy", 3)); // gone
        poll(75, list("busy", 3));
        assertThat(destroyed).containsExactly("node-1/r1");
    }

    @Test
    void someoneJoiningInBetweenStartsTheGraceAgain() {
        poll(0, list("r1", 0));
        poll(15, list("r1", 1)); // a participant came
        poll(30, list("r1", 0)); // and left again: empty since 30, not since 0
        poll(45, list("r1", 0));
        assertThat(destroyed).isEmpty();
        poll(60, list("r1", 0));
        assertThat(destroyed).containsExactly("node-1/r1");
    }

    @Test
    void aRoomThatDisappearsAndComesBackStartsAfresh() {
        poll(0, list("r1", 0));
        poll(15, list());
        poll(30, list("r1", 0)); // re-created for a new call
        assertThat(destroyed).isEmpty();
    }

    @Test
    void nodesAreTrackedApart() {
        now = 0;
        sweeper.listed("node-1", null, list("r1", 0));
        now = Duration.ofSeconds(30).toNanos();
        sweeper.listed("node-2", null, list("r1", 0)); // first seen empty on node-2 now
        assertThat(destroyed).isEmpty();
        sweeper.listed("node-1", null, list("r1", 0));
        assertThat(destroyed).containsExactly("node-1/r1");
    }
}

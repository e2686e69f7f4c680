package io.babelcall.pipeline.speech;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.room.Participant;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The listener cache against real Redis. What a read returned tells whether Redis was read: the room's hash changes
 * between calls, so a cached answer shows the old list and a fresh read the new one.
 */
class ListenerDirectoryTests extends PipelineTestBase {

    @Test
    void cachesForTheTtlAndPrefetchesOnlyOnceTheListIsHalfThatOld() {
        AtomicLong now = new AtomicLong();
        ListenerDirectory directory = new ListenerDirectory(redis, json, Duration.ofSeconds(3), now::get);
        String room = rooms.newRoom();
        rooms.join(room, "a", "Ann", "en", "es", false);
        assertThat(ids(directory, room)).containsExactly("a");

        rooms.join(room, "b", "Bo", "en", "ca", false);
        for (int i = 0; i < 20; i++) { // every speech frame asks; a list under half the TTL old is left alone
            directory.prefetch(room);
        }
        assertThat(ids(directory, room)).containsExactly("a");

        now.addAndGet(Duration.ofMillis(1_600).toNanos()); // past half the TTL, within it: only a prefetch reads again
        assertThat(ids(directory, room)).containsExactly("a");
        directory.prefetch(room);
        assertThat(ids(directory, room)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void withoutTtlEveryCallReads() {
        ListenerDirectory directory = new ListenerDirectory(redis, json, Duration.ZERO);
        String room = rooms.newRoom();
        rooms.join(room, "a", "Ann", "en", "es", false);
        directory.prefetch(room);
        assertThat(ids(directory, room)).containsExactly("a");
        rooms.join(room, "b", "Bo", "en", "ca", false);
        assertThat(ids(directory, room)).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void onlyParticipantsConnectedToSignalingAreListeners() {
        ListenerDirectory directory = new ListenerDirectory(redis, json, Duration.ZERO);
        String room = rooms.newRoom();
        rooms.join(room, "a", "Ann", "en", "es", false);
        rooms.admitOnly(room, "b", "Bo", "en", "ca", false); // admitted by the api, never opened the call
        assertThat(ids(directory, room)).containsExactly("a");
        rooms.connect(room, "b");
        assertThat(ids(directory, room)).containsExactlyInAnyOrder("a", "b");
        rooms.leave(room, "a");
        assertThat(ids(directory, room)).containsExactly("b");
    }

    private static List<String> ids(ListenerDirectory directory, String room) {
        return directory.connectedParticipants(room).block(Duration.ofSeconds(5)).stream()
                .map(Participant::participantId).toList();
    }
}

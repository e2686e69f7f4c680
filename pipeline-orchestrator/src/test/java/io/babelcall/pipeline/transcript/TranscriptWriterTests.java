package io.babelcall.pipeline.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.RedisKeys;
import io.babelcall.pipeline.support.PipelineTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Mono;

/**
 * The transcript's backlog: entries Redis does not take wait and are written again in the order they were made, within
 * bounds; an entry stored twice (a timed-out write that landed after all, then its retry) is read once.
 */
class TranscriptWriterTests extends PipelineTestBase {

    @Autowired
    TranscriptStore store;

    /** The real store, but refusing every write while {@link #down} (as a Redis that does not answer). */
    final class FlakyStore extends TranscriptStore {

        final AtomicBoolean down = new AtomicBoolean();
        final List<String> written = new ArrayList<>();

        FlakyStore() {
            super(redis, json, new TranscriptProperties(5000, Duration.ofHours(1), 3, Duration.ofMinutes(1),
                    Duration.ofSeconds(1)));
        }

        @Override
        public Mono<Void> append(String roomId, TranscriptEntry entry) {
            if (down.get()) {
                return Mono.error(new IllegalStateException("Redis command timed out"));
            }
            return super.append(roomId, entry).doOnSuccess(v -> written.add(entry.utteranceId()));
        }
    }

    @Test
    void entriesRedisDidNotTakeAreWrittenLaterInTheOrderTheyWereMade() {
        FlakyStore flaky = new FlakyStore();
        TranscriptWriter writer = new TranscriptWriter(flaky, props(3, Duration.ofMinutes(1)), meters);
        String room = rooms.newRoom();
        writer.append(room, entry("u1")).block();
        flaky.down.set(true);
        writer.append(room, entry("u2")).block();
        writer.flush(); // still down: nothing written, nothing lost
        flaky.down.set(false);
        writer.append(room, entry("u3")).block(); // Redis is back, but u2 waits: u3 queues behind it
        assertThat(writer.waiting()).isEqualTo(2);

        writer.flush();
        await(() -> writer.waiting() == 0);
        assertThat(flaky.written).containsExactly("u1", "u2", "u3");
        assertThat(ids(room)).containsExactly("u1", "u2", "u3");
    }

    @Test
    void theBacklogIsBoundedInSizeAndAge() {
        FlakyStore flaky = new FlakyStore();
        AtomicLong now = new AtomicLong();
        TranscriptWriter writer = new TranscriptWriter(flaky, props(3, Duration.ofMinutes(1)), meters, now::get);
        String room = rooms.newRoom();
        flaky.down.set(true);
        for (String id : List.of("u1", "u2", "u3", "u4")) {
            writer.append(room, entry(id)).block();
        }
        assertThat(writer.waiting()).as("the oldest made room for the newest").isEqualTo(3);
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        writer.append(room, entry("u5")).block(); // u2 makes room; u3 and u4 are now over a minute old
        flaky.down.set(false);
        writer.flush();
        await(() -> writer.waiting() == 0);
        assertThat(flaky.written).as("u1 and u2 overflowed, u3 and u4 aged out").containsExactly("u5");
        assertThat(meters.find("babelcall.transcript.dropped").tag("cause", "overflow").counter().count())
                .isGreaterThanOrEqualTo(1);
        assertThat(meters.find("babelcall.transcript.dropped").tag("cause", "age").counter().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUtteranceStoredTwiceIsReadOnce() {
        String room = rooms.newRoom();
        store.append(room, entry("u1")).block();
        store.append(room, entry("u2")).block();
        store.append(room, entry("u1")).block(); // a retry whose first try had landed after all
        assertThat(redis.opsForStream().size(RedisKeys.transcript(room)).block())
                .isEqualTo(3);
        assertThat(ids(room)).containsExactly("u1", "u2");
    }

    private List<String> ids(String room) {
        return store.read(room).block(Duration.ofSeconds(5)).stream().map(TranscriptEntry::utteranceId).toList();
    }

    private static TranscriptProperties props(int maxEntries, Duration maxAge) {
        return new TranscriptProperties(5000, Duration.ofHours(1), maxEntries, maxAge, Duration.ofSeconds(1));
    }

    private static TranscriptEntry entry(String utteranceId) {
        Instant t = Instant.parse("2026-12-05T10:00:00Z");
        return new TranscriptEntry(utteranceId, "ann", "Ann", LanguageCode.of("en"), "text of " + utteranceId, t,
                t.plusSeconds(1), Map.of("es", "texto"));
    }

    private static void await(Callable<Boolean> condition) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
    }
}

package io.babelcall.pipeline.support;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.room.RedisKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import tools.jackson.databind.ObjectMapper;

/** Subscribes (before the test acts) to a room's events channel and keeps every caption event, parsed. */
public final class EventCollector implements AutoCloseable {

    public final List<CaptionEvent> events = new CopyOnWriteArrayList<>();
    public final List<String> raw = new CopyOnWriteArrayList<>();
    private final Disposable subscription;

    public EventCollector(ReactiveRedisMessageListenerContainer container, ObjectMapper json, String roomId) {
        var flux = container.receiveLater(ChannelTopic.of(RedisKeys.events(roomId))).block(Duration.ofSeconds(5));
        subscription = flux.subscribe(m -> {
            raw.add(m.getMessage());
            events.add(json.readValue(m.getMessage(), CaptionEvent.class));
        });
    }

    public <T extends CaptionEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public <T extends CaptionEvent> T await(Class<T> type, Predicate<T> match, Duration timeout) {
        return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .until(() -> of(type).stream().filter(match).findFirst().orElse(null), java.util.Objects::nonNull);
    }

    /** Waits for at least {@code n} final transcripts and returns them all, in order; fails listing the events. */
    public List<Transcript> finals(int n, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                    .until(() -> of(Transcript.class).stream().filter(Transcript::isFinal).count() >= n);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no final transcript #" + n + "; events: " + raw, e);
        }
        return of(Transcript.class).stream().filter(Transcript::isFinal).toList();
    }

    /** Waits until no event has arrived for {@code quiet}: whatever was still under way has been published. */
    public void awaitSettled(Duration quiet, Duration timeout) {
        AtomicInteger seen = new AtomicInteger(-1);
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20)).during(quiet)
                .until(() -> {
                    int now = events.size();
                    return seen.getAndSet(now) == now;
                });
    }

    /** Asserts that no event at all arrives within {@code window}. */
    public void assertNoneWithin(Duration window) {
        Awaitility.await().atMost(window.plusSeconds(1)).pollInterval(Duration.ofMillis(20)).during(window)
                .until(events::isEmpty);
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}

package io.babelcall.pipeline.audio;

import io.babelcall.pipeline.security.RoomMembership;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Ends the open audio streams of participants who are no longer in their room (the api's DELETE, a leave, the room
 * gone): every {@code babelcall.audio.membership-check-interval} one HKEYS of the participants hash per room with
 * streams on this replica (not one call per stream; the calls of one check go out together on the shared connection),
 * and each stream whose participant is missing gets {@link AudioRejection#REMOVED}. A failed or slow read closes
 * nothing: the room is checked again at the next tick. Checks never overlap.
 */
public class MembershipWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipWatch.class);
    /** Rooms read at the same time within one check. */
    private static final int CONCURRENT_READS = 64;

    private final AudioStreamRegistry registry;
    private final RoomMembership membership;
    private final Duration readTimeout;
    private final Disposable ticks;

    public MembershipWatch(AudioStreamRegistry registry, RoomMembership membership, Duration interval) {
        this.registry = registry;
        this.membership = membership;
        this.readTimeout = interval.multipliedBy(2);
        this.ticks = Flux.interval(interval, interval, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> check(), 1)
                .subscribe(null, e -> log.error("audio stream membership checks stopped", e));
    }

    /** One check of every room with streams here; completes when all rooms were read (or given up). */
    Mono<Void> check() {
        Map<String, List<AudioStreamRegistry.Handle>> rooms = registry.streamsByRoom();
        return Flux.fromIterable(rooms.entrySet())
                .flatMap(room -> membership.members(room.getKey())
                        .timeout(readTimeout)
                        .doOnNext(members -> endRemoved(room.getValue(), members))
                        .onErrorResume(e -> {
                            log.warn("cannot check the participants of room {}: {}", room.getKey(), e.toString());
                            return Mono.empty();
                        }), CONCURRENT_READS)
                .then();
    }

    private static void endRemoved(List<AudioStreamRegistry.Handle> streams, Set<String> members) {
        for (AudioStreamRegistry.Handle h : streams) {
            if (!members.contains(h.participantId())) {
                h.remove();
            }
        }
    }

    @Override
    public void close() {
        ticks.dispose();
    }
}

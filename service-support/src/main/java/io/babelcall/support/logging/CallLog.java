package io.babelcall.support.logging;

import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Log events that name the call they concern. The room and participant travel as SLF4J key-value pairs, which the
 * structured (JSON) log formats write as top-level fields next to {@code traceId}/{@code spanId}: one Loki query by
 * {@code roomId} or {@code participantId} finds a call across the three services. Messages still say what happened in
 * words, for the plain-text console of local runs.
 *
 * <p>Work done for one call on a thread (a client message, a Janus reply, an utterance's step) runs inside a
 * {@link #scope}: the ids are then in the MDC, so every log line of that work carries them, including lines of
 * libraries that know nothing of calls. Events of this class do not repeat an id the MDC already holds (the JSON would
 * have the key twice).
 */
public final class CallLog {

    public static final String ROOM_ID = "roomId";
    public static final String PARTICIPANT_ID = "participantId";
    /** The utterance a pipeline step works on (orchestrator only). */
    public static final String UTTERANCE_ID = "utteranceId";
    /** The {@code X-Request-Id} of the HTTP request being served (see {@code RequestIdWebFilter}). */
    public static final String REQUEST_ID = "requestId";

    private CallLog() {
    }

    /** An event at {@code level} carrying the room and, when not null, the participant. Costs nothing when disabled. */
    public static LoggingEventBuilder at(Logger log, Level level, String roomId, String participantId) {
        LoggingEventBuilder event = log.atLevel(level);
        // A key already in the MDC (a scope) is not added again: the JSON line would have it twice.
        if (roomId != null && MDC.get(ROOM_ID) == null) {
            event = event.addKeyValue(ROOM_ID, roomId);
        }
        return participantId == null || MDC.get(PARTICIPANT_ID) != null ? event
                : event.addKeyValue(PARTICIPANT_ID, participantId);
    }

    /**
     * Puts the room and (when not null) the participant in the MDC until the returned scope is closed, which restores
     * what was there before (scopes nest). Use with try-with-resources around one piece of work on one thread.
     */
    public static Scope scope(String roomId, String participantId) {
        return scope(roomId, participantId, null);
    }

    /** As {@link #scope(String, String)}, with the utterance (when not null) as well. */
    public static Scope scope(String roomId, String participantId, String utteranceId) {
        String previousRoom = MDC.get(ROOM_ID);
        String previousParticipant = MDC.get(PARTICIPANT_ID);
        String previousUtterance = MDC.get(UTTERANCE_ID);
        put(ROOM_ID, roomId);
        put(PARTICIPANT_ID, participantId);
        put(UTTERANCE_ID, utteranceId);
        return () -> {
            put(ROOM_ID, previousRoom);
            put(PARTICIPANT_ID, previousParticipant);
            put(UTTERANCE_ID, previousUtterance);
        };
    }

    /**
     * The ids of one call's work, to put in the MDC of whichever thread runs a later part of it (a Reactor callback,
     * a queued step, an engine's listener call): MDC is per thread, so each such callback opens the scope itself.
     */
    public record Ids(String roomId, String participantId, String utteranceId) {

        public Scope open() {
            return scope(roomId, participantId, utteranceId);
        }

        /** {@code task} run inside {@link #open()}. */
        public Runnable wrap(Runnable task) {
            return () -> {
                try (Scope ignored = open()) {
                    task.run();
                }
            };
        }

        /** {@code consumer} run inside {@link #open()}. */
        public <T> Consumer<T> wrap(Consumer<T> consumer) {
            return value -> {
                try (Scope ignored = open()) {
                    consumer.accept(value);
                }
            };
        }

        /** {@code function} run inside {@link #open()}. */
        public <T, R> Function<T, R> wrap(Function<T, R> function) {
            return value -> {
                try (Scope ignored = open()) {
                    return function.apply(value);
                }
            };
        }
    }

    /** The end of a {@link #scope}; closing never throws. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    public static LoggingEventBuilder info(Logger log, String roomId, String participantId) {
        return at(log, Level.INFO, roomId, participantId);
    }

    public static LoggingEventBuilder warn(Logger log, String roomId, String participantId) {
        return at(log, Level.WARN, roomId, participantId);
    }
}

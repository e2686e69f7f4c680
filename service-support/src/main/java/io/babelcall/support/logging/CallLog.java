package io.babelcall.support.logging;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Log events that name the call they concern. The room and participant travel as SLF4J key-value pairs, which the
 * structured (JSON) log formats write as top-level fields next to {@code traceId}/{@code spanId}: one Loki query by
 * {@code roomId} or {@code participantId} finds a call across the three services. Messages still say what happened in
 * words, for the plain-text console of local runs.
 */
public final class CallLog {

    public static final String ROOM_ID = "roomId";
    public static final String PARTICIPANT_ID = "participantId";

    private CallLog() {
    }

    /** An event at {@code level} carrying the room and, when not null, the participant. Costs nothing when disabled. */
    public static LoggingEventBuilder at(Logger log, Level level, String roomId, String participantId) {
        LoggingEventBuilder event = log.atLevel(level);
        if (roomId != null) {
            event = event.addKeyValue(ROOM_ID, roomId);
        }
        return participantId == null ? event : event.addKeyValue(PARTICIPANT_ID, participantId);
    }

    public static LoggingEventBuilder info(Logger log, String roomId, String participantId) {
        return at(log, Level.INFO, roomId, participantId);
    }

    public static LoggingEventBuilder warn(Logger log, String roomId, String participantId) {
        return at(log, Level.WARN, roomId, participantId);
    }
}

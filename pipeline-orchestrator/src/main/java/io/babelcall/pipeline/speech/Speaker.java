package io.babelcall.pipeline.speech;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.support.logging.CallLog;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/** Who one pipeline serves, as its parts need it: the room, the speaker and the language spoken. */
record Speaker(String roomId, String id, String name, LanguageCode language) {

    /** The ids of this speaker's work on {@code utteranceId} (null: no utterance), for the MDC of another thread. */
    CallLog.Ids ids(String utteranceId) {
        return new CallLog.Ids(roomId, id, utteranceId);
    }

    CallLog.Ids ids(Utterance u) {
        return ids(u == null ? null : u.id);
    }

    /** Puts this speaker and {@code u} (may be null) in the MDC of the calling thread until closed. */
    CallLog.Scope scope(Utterance u) {
        return ids(u).open();
    }

    LoggingEventBuilder warn(Logger log) {
        return CallLog.warn(log, roomId, id);
    }

    LoggingEventBuilder debug(Logger log) {
        return CallLog.at(log, Level.DEBUG, roomId, id);
    }

    @Override
    public String toString() {
        return "speaker " + id + " of room " + roomId;
    }
}

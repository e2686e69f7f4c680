package io.babelcall.pipeline.speech;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.support.logging.CallLog;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/** Who one pipeline serves, as its parts need it: the room, the speaker and the language spoken. */
record Speaker(String roomId, String id, String name, LanguageCode language) {

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

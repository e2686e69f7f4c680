package io.babelcall.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.babelcall.testsupport.JsonLogCapture;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** In the production JSON format (ECS), with the parser strict about duplicate keys. */
class CallLogTests {

    private static final Logger log = LoggerFactory.getLogger(CallLogTests.class);

    @Test
    void everyLineWrittenInAScopeNamesTheCallEvenFromCodeThatKnowsNothingOfCalls() {
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            try (CallLog.Scope ignored = CallLog.scope("room-1", "p-1")) {
                log.warn("a library warning");
                CallLog.info(log, "room-1", "p-1").log("a call event");
            }
            log.info("after the scope");
            Map<String, Object> plain = logs.require("a library warning");
            assertThat(plain).containsEntry("roomId", "room-1").containsEntry("participantId", "p-1");
            // parsed strictly: the ids are there once, not twice
            assertThat(logs.require("a call event")).containsEntry("roomId", "room-1")
                    .containsEntry("participantId", "p-1");
            assertThat(logs.require("after the scope")).doesNotContainKeys("roomId", "participantId");
        }
    }

    @Test
    void scopesNestAndRestore() {
        try (CallLog.Scope outer = CallLog.scope("room-1", null)) {
            try (CallLog.Scope inner = CallLog.scope("room-1", "p-2")) {
                assertThat(MDC.get(CallLog.PARTICIPANT_ID)).isEqualTo("p-2");
            }
            assertThat(MDC.get(CallLog.ROOM_ID)).isEqualTo("room-1");
            assertThat(MDC.get(CallLog.PARTICIPANT_ID)).isNull();
        }
        assertThat(MDC.get(CallLog.ROOM_ID)).isNull();
    }

    @Test
    void outsideAScopeCallEventsCarryTheIdsThemselves() {
        try (JsonLogCapture logs = JsonLogCapture.ecs()) {
            CallLog.warn(log, "room-2", "p-3").log("on its own");
            assertThat(logs.require("on its own")).containsEntry("roomId", "room-2").containsEntry("participantId", "p-3");
        }
    }
}

package io.babelcall.signaling.session;

import io.babelcall.signaling.caption.CaptionRouting;
import io.babelcall.signaling.metrics.SignalingMetrics;
import tools.jackson.databind.ObjectMapper;

/**
 * Delivers a caption event of the orchestrator (transcript, translation, dub, caption-status) to each local listener
 * it is meant for, by that listener's current languages ({@link CaptionRouting}); the event's JSON is forwarded
 * unchanged. Runs on the bus listener's thread.
 */
final class CaptionFanOut {

    private final ObjectMapper json;
    private final SignalingMetrics metrics;
    private final LocalRooms rooms;

    CaptionFanOut(ObjectMapper json, SignalingMetrics metrics, LocalRooms rooms) {
        this.json = json;
        this.metrics = metrics;
        this.rooms = rooms;
    }

    void deliver(String roomId, String raw) {
        LocalRoom room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        CaptionRouting.Header h = CaptionRouting.Header.parse(json, raw);
        if (h.type() == null) {
            metrics.dropped("invalid_event");
            return;
        }
        int n = 0;
        for (LocalSession s : room.sessions.values()) {
            if (s.state == LocalSession.State.OPEN && CaptionRouting.deliver(h, s.participant)) {
                if (s.connection.send(raw)) {
                    n++;
                } else {
                    metrics.dropped("slow_consumer");
                }
            }
        }
        metrics.messageOut(h.type(), n);
    }
}

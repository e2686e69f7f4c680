package io.babelcall.signaling.session;

import io.babelcall.signaling.caption.CaptionRouting;
import io.babelcall.signaling.metrics.SignalingMetrics;
import java.time.Clock;
import java.time.Duration;
import tools.jackson.databind.ObjectMapper;

/**
 * Delivers a caption event of the orchestrator (transcript, translation, dub, caption-status) to each local listener
 * it is meant for, by that listener's current languages ({@link CaptionRouting}); the event's JSON is forwarded
 * unchanged. An event published longer ago than {@code caption-stale-after} (held up by a Redis outage) is not shown as
 * live: interims and dubs are dropped, finals and statuses delivered with {@code "late":true} (the transcript has
 * every final anyway). Runs on the bus listener's thread.
 */
final class CaptionFanOut {

    private final ObjectMapper json;
    private final SignalingMetrics metrics;
    private final LocalRooms rooms;
    private final Clock clock;
    private final Duration staleAfter;

    CaptionFanOut(ObjectMapper json, SignalingMetrics metrics, LocalRooms rooms, Clock clock, Duration staleAfter) {
        this.json = json;
        this.metrics = metrics;
        this.rooms = rooms;
        this.clock = clock;
        this.staleAfter = staleAfter;
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
        String out = raw;
        if (h.staleAt(clock.instant(), staleAfter)) {
            if (!h.isFinal() && !CaptionRouting.STATUS.equals(h.type())) {
                metrics.dropped("stale");
                return;
            }
            out = CaptionRouting.Header.markedLate(raw);
        }
        int n = 0;
        for (LocalSession s : room.sessions.values()) {
            if (s.state == LocalSession.State.OPEN && CaptionRouting.deliver(h, s.participant)) {
                if (s.connection.send(out)) {
                    n++;
                } else {
                    metrics.dropped("slow_consumer");
                }
            }
        }
        metrics.messageOut(h.type(), n);
    }
}

package io.babelcall.signaling.relay;

/** Receives what other replicas and the orchestrator publish for this replica and the rooms it subscribed to. */
public interface BusListener {

    /** An envelope from another replica on {@code room:{id}:signal}. */
    void onEnvelope(String roomId, Envelope envelope);

    /** A relay for participant {@code to} of room {@code roomId} on this replica's relay channel. */
    void onRelay(String roomId, String to, long publishedAtMicros, String json);

    /** A caption event (raw JSON) from the orchestrator on {@code room:{id}:events}. */
    void onCaptionEvent(String roomId, String json);
}

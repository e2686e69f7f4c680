package io.babelcall.signaling.relay;

/** Receives what other replicas and the orchestrator publish for rooms this replica subscribed to. */
public interface BusListener {

    /** An envelope from another replica on {@code room:{id}:signal}. */
    void onEnvelope(String roomId, Envelope envelope);

    /** A caption event (raw JSON) from the orchestrator on {@code room:{id}:events}. */
    void onCaptionEvent(String roomId, String json);
}

package io.babelcall.signaling.media.janus;

import tools.jackson.databind.JsonNode;

/**
 * What Janus says about one plugin handle without being asked: plugin events (a publisher joined or left, talking),
 * the PeerConnection coming up or going down. Called on the client's receiving thread: keep it short.
 */
public interface JanusHandleListener {

    /** A plugin event not answering a request: {@code data} is {@code plugindata.data}, {@code jsep} may be null. */
    void onEvent(JsonNode data, JsonNode jsep);

    /** The PeerConnection of this handle is up ({@code webrtcup}). */
    default void onWebRtcUp() {
    }

    /** The PeerConnection of this handle closed ({@code hangup}), with Janus's reason. */
    default void onHangup(String reason) {
    }

    /** The handle is gone: detached, or its session or connection was lost. */
    default void onDetached() {
    }
}

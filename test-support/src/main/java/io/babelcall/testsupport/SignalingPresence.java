package io.babelcall.testsupport;

/**
 * The entry signaling writes in a room's presence hash ({@code RedisKeys.presence}) while a participant's socket is
 * open, for tests of the services that read that hash (the api's "who is in the call", the orchestrator's listeners)
 * without running signaling.
 */
public final class SignalingPresence {

    private SignalingPresence() {
    }

    /** The JSON value of a connected participant's presence entry (field: the participant id). */
    public static String connectedEntry(String participantId) {
        return "{\"replica\":\"test-replica\",\"conn\":\"conn-" + participantId
                + "\",\"audio\":true,\"video\":true,\"state\":\"connected\"}";
    }
}

package io.babelcall.signaling.presence;

/**
 * One participant's signaling presence, stored as JSON in {@code room:{id}:presence}: which replica and connection
 * hold it, its media state and whether it is {@code connected} or {@code away} (socket closed, reconnect grace running).
 */
public record PresenceEntry(String replica, String conn, boolean audio, boolean video, String state) {

    public static final String CONNECTED = "connected";
    public static final String AWAY = "away";

    public PresenceEntry away() {
        return new PresenceEntry(replica, conn, audio, video, AWAY);
    }

    public PresenceEntry withMedia(boolean a, boolean v) {
        return new PresenceEntry(replica, conn, a, v, state);
    }
}

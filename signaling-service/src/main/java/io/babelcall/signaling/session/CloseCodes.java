package io.babelcall.signaling.session;

/** WebSocket close codes the server uses (docs/signaling.md lists them). */
public final class CloseCodes {

    /** Normal closure: after {@code leave}. */
    public static final int NORMAL = 1000;
    /** Never sent: reported to the logic when a socket ended without a close frame (the connection dropped). */
    public static final int ABNORMAL = 1006;
    /** Policy violation: rate limit exceeded. */
    public static final int POLICY = 1008;
    /** Message too big (> max message size). */
    public static final int TOO_BIG = 1009;
    /** Internal error. */
    public static final int INTERNAL = 1011;
    /** Service restart: the replica is shutting down; reconnect (to another replica). */
    public static final int SERVICE_RESTART = 1012;
    /** Try again later: the send buffer overflowed (slow consumer). */
    public static final int TRY_AGAIN_LATER = 1013;
    /** No frame (not even a pong) within the heartbeat timeout. */
    public static final int HEARTBEAT_TIMEOUT = 4001;
    /** The same participant connected again elsewhere; this older socket is closed. */
    public static final int REPLACED = 4002;
    /** The participant is no longer listed in its room (removed by the api, or the room is gone). */
    public static final int REMOVED = 4003;

    private CloseCodes() {
    }
}

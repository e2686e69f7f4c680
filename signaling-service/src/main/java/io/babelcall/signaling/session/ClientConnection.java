package io.babelcall.signaling.session;

/**
 * One client socket as the signaling logic sees it: the small seam that lets the logic run without a socket in tests
 * (as Jitsi Videobridge tests its WebSocket handlers). Implementations never block the caller.
 */
public interface ClientConnection {

    /** Unique id of this connection (a reconnect gets a new one). */
    String id();

    /**
     * Queues a text frame. Returns false when the connection is closed or its send buffer/time limit is exceeded, in
     * which case the connection closes itself (slow consumer) without affecting anyone else.
     */
    boolean send(String text);

    /** Closes with a WebSocket close code, asynchronously; idempotent. */
    void close(int code, String reason);

    /** Sends a WebSocket ping (heartbeat); no-op when busy or closed. */
    void ping();

    boolean isOpen();
}

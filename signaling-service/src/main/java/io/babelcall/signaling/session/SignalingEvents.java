package io.babelcall.signaling.session;

import io.babelcall.common.token.ParticipantClaims;

/**
 * The socket events of one signaling connection. The Spring/Tomcat adapter calls these; tests call them directly with a
 * fake {@link ClientConnection}. Calls for one session come from one thread at a time.
 */
public interface SignalingEvents {

    /** A verified connection opened; returns its session, or null when it was refused (and closed). */
    LocalSession onOpen(ClientConnection connection, ParticipantClaims claims);

    /** One complete text message (at most the configured maximum size). */
    void onText(LocalSession session, String text, long receivedAtNanos);

    /** A binary message: not part of this protocol. */
    void onBinary(LocalSession session);

    /** A message over the maximum size: close 1009. */
    void onTooBig(LocalSession session);

    /** A client's ping: it counts against the rate limit like a message (the transport sends its pong). */
    void onPing(LocalSession session);

    /** Any sign of life that is not a message (a pong). */
    void onPong(LocalSession session);

    /** The socket closed, for whatever reason. */
    void onClose(LocalSession session, int code);
}

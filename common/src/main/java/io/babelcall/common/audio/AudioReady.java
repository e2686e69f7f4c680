package io.babelcall.common.audio;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * The server's first frame on the audio WebSocket, {@code {"type":"ready"}}: it now receives frames, and the client
 * sends {@link AudioStart} after it. Frames sent between the handshake and this one may be lost (the server's socket
 * layer can drop what arrives before the stream handler listens), so a client that does not wait risks its start
 * frame and then a {@code no_start} rejection.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonTypeName("ready")
public record AudioReady() {
}

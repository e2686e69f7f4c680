package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The fields of a browser's {@code RTCIceCandidate.toJSON()}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
}

package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;

/** SFU rooms: the SFU's SDP answer to the participant's {@link Publish} offer. */
@JsonTypeName("publish-answer")
public record PublishAnswer(String sdp) implements ServerMessage {
}

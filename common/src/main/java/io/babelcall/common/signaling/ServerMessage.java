package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;

/** A message the server sends to a browser on its signaling WebSocket (or on the audio socket, for errors). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Welcome.class),
        @JsonSubTypes.Type(PeerJoined.class),
        @JsonSubTypes.Type(PeerLeft.class),
        @JsonSubTypes.Type(PeerUpdated.class),
        @JsonSubTypes.Type(Offer.class),
        @JsonSubTypes.Type(Answer.class),
        @JsonSubTypes.Type(Ice.class),
        @JsonSubTypes.Type(Chat.class),
        @JsonSubTypes.Type(Pong.class),
        @JsonSubTypes.Type(ErrorMessage.class),
        @JsonSubTypes.Type(Transcript.class),
        @JsonSubTypes.Type(Translation.class),
        @JsonSubTypes.Type(Dub.class),
        @JsonSubTypes.Type(CaptionStatus.class),
        @JsonSubTypes.Type(PublishAnswer.class),
        @JsonSubTypes.Type(SubscribeOffer.class),
        @JsonSubTypes.Type(MediaState.class),
        @JsonSubTypes.Type(Talking.class)
})
public interface ServerMessage {
}

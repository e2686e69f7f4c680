package io.babelcall.common.signaling;

import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * SFU rooms: the SDP offer of the participant's one receiving PeerConnection, carrying every other publisher's
 * streams; {@code streams} maps each m-line ({@code mid}) to the participant it comes from. Sent again whenever the
 * set of publishers changes; answered by {@link SubscribeAnswer}.
 */
@JsonTypeName("subscribe-offer")
public record SubscribeOffer(String sdp, List<MediaStream> streams) implements ServerMessage {

    /** One received stream: its {@code mid} in the subscription, whose it is, and its kind (audio, video). */
    public record MediaStream(String mid, String participantId, String kind) {
    }
}

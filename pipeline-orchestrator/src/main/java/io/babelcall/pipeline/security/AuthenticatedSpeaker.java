package io.babelcall.pipeline.security;

import io.babelcall.common.room.Participant;
import io.babelcall.common.token.ParticipantClaims;

/** Who opened an audio stream: the verified token and the participant's current entry in the room. */
public record AuthenticatedSpeaker(ParticipantClaims claims, Participant participant) {

    public String roomId() {
        return claims.roomId();
    }

    public String participantId() {
        return claims.participantId();
    }
}

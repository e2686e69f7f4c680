package io.babelcall.common.signaling;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import java.time.Instant;

/** A participant as the other participants see it: identity, languages and media state. */
public record Peer(
        String participantId,
        String displayName,
        LanguageCode spokenLanguage,
        LanguageCode captionLanguage,
        boolean dubbing,
        boolean audio,
        boolean video,
        Instant joinedAt) {

    public static Peer of(Participant p, boolean audio, boolean video) {
        return new Peer(p.participantId(), p.displayName(), p.spokenLanguage(), p.captionLanguage(), p.dubbing(),
                audio, video, p.joinedAt());
    }
}

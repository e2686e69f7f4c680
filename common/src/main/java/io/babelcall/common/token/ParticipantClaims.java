package io.babelcall.common.token;

import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * What a participant token says: who (participant) may do what in which room, with the languages chosen when joining.
 * Every socket and every room-scoped request checks {@link #roomId()} and {@link #participantId()} against its target.
 */
public record ParticipantClaims(
        String roomId,
        String participantId,
        String displayName,
        LanguageCode spokenLanguage,
        LanguageCode captionLanguage,
        boolean dubbing,
        Instant issuedAt,
        Instant expiresAt,
        String tokenId) {
}

package io.babelcall.common.room;

import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * A participant of a room as stored in Redis ({@link RedisKeys#participants(String)}, one JSON value per id).
 * Written by the api when joining, updated by signaling on {@code language} messages, read by the orchestrator to
 * know which caption and dubbing languages the room's listeners need.
 */
public record Participant(
        String participantId,
        String displayName,
        LanguageCode spokenLanguage,
        LanguageCode captionLanguage,
        boolean dubbing,
        Instant joinedAt) {

    public Participant withLanguages(LanguageCode spoken, LanguageCode caption, boolean dub) {
        return new Participant(participantId, displayName, spoken, caption, dub, joinedAt);
    }
}

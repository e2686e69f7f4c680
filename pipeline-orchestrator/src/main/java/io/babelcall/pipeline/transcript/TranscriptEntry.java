package io.babelcall.pipeline.transcript;

import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.Map;

/**
 * One final utterance in a room's transcript: the original text and its translations by caption language, as stored
 * (one JSON field per stream entry) in {@code RedisKeys.transcript(roomId)}.
 */
public record TranscriptEntry(
        String utteranceId,
        String speaker,
        String speakerName,
        LanguageCode language,
        String text,
        Instant startedAt,
        Instant endOfSpeechAt,
        Map<String, String> translations) {

    /** The text in {@code lang}: the original when it is in that language, else the translation, else null. */
    public String textIn(LanguageCode lang) {
        if (lang == null || (language.samePrimaryAs(lang) && !translations.containsKey(lang.value()))) {
            return text;
        }
        String exact = translations.get(lang.value());
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : translations.entrySet()) {
            if (LanguageCode.of(e.getKey()).samePrimaryAs(lang)) {
                return e.getValue();
            }
        }
        return null;
    }
}

package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * Synthesised speech of a final utterance in one language; {@code url} is a relative path on the orchestrator
 * ({@code /api/v1/audio/{id}}) fetched with a token of the room. Delivered to listeners with dubbing on in that language.
 */
@JsonTypeName("dub")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dub(
        String speaker,
        String utteranceId,
        long seq,
        LanguageCode language,
        String url,
        Long durationMs,
        Instant endOfSpeechAt,
        Instant publishedAt) implements CaptionEvent {
}

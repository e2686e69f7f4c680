package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;
import java.util.List;

/**
 * An utterance translated into one caption language; delivered only to listeners whose caption language it is.
 * {@code unknown}: the spans of {@code text} that the engine did not know and passed through untranslated (an
 * unknown or misheard word), for the page to show them as such; omitted when there are none or the engine cannot
 * tell. Readers that do not know the field ignore it: {@code text} is the whole translation either way.
 */
@JsonTypeName("translation")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Translation(
        String speaker,
        String utteranceId,
        long seq,
        LanguageCode sourceLanguage,
        LanguageCode language,
        String text,
        @JsonProperty("final") boolean isFinal,
        Instant endOfSpeechAt,
        Instant publishedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TextSpan> unknown) implements CaptionEvent {

    public Translation {
        unknown = unknown == null ? List.of() : List.copyOf(unknown);
    }

    /** A translation without unknown words (or from an engine that cannot tell). */
    public Translation(String speaker, String utteranceId, long seq, LanguageCode sourceLanguage, LanguageCode language,
                       String text, boolean isFinal, Instant endOfSpeechAt, Instant publishedAt) {
        this(speaker, utteranceId, seq, sourceLanguage, language, text, isFinal, endOfSpeechAt, publishedAt, List.of());
    }
}

package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/** An utterance translated into one caption language; delivered only to listeners whose caption language it is. */
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
        Instant publishedAt) implements CaptionEvent {
}

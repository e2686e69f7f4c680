package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * What a speaker said, in the language spoken: interim hypotheses ({@code final=false}) replaced in place, then one
 * final per utterance. {@code seq} increases per speaker across all of that speaker's events, so a listener can
 * drop anything older than what it has shown. {@code endOfSpeechAt} is set on finals.
 */
@JsonTypeName("transcript")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Transcript(
        String speaker,
        String utteranceId,
        long seq,
        LanguageCode language,
        String text,
        @JsonProperty("final") boolean isFinal,
        Instant endOfSpeechAt,
        Instant publishedAt) implements CaptionEvent {
}

package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * What a speaker said, in the language spoken: interim hypotheses ({@code final=false}) replaced in place, then one
 * final per utterance. {@code seq} increases per speaker across all of that speaker's events, so a listener can
 * drop anything older than what it has shown. {@code endOfSpeechAt} is set on finals. {@code stable} (interims only):
 * how many characters (UTF-16 code units) at the start of {@code text} are stable - words the last few interims
 * agreed on (the orchestrator's {@code stable-agreement}, 3 by default), which every later interim of the utterance
 * keeps; the rest is a tentative tail that may still change. Absent on finals and from senders that do not tell.
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
        Instant publishedAt,
        Integer stable) implements CaptionEvent {

    public Transcript {
        if (stable != null && (text == null || stable < 0 || stable > text.length())) {
            throw new IllegalArgumentException("stable must be within the text");
        }
    }

    /** A transcript without a stable prefix (finals, and interims of senders that do not tell). */
    public Transcript(String speaker, String utteranceId, long seq, LanguageCode language, String text, boolean isFinal,
                      Instant endOfSpeechAt, Instant publishedAt) {
        this(speaker, utteranceId, seq, language, text, isFinal, endOfSpeechAt, publishedAt, null);
    }
}

package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * The state of captions for a speaker changed: {@code state} is one of {@link #OK}, {@link #UNTRANSLATED},
 * {@link #ASR_UNAVAILABLE}, {@link #TTS_UNAVAILABLE}; {@code language} names the affected target language if any,
 * {@code utteranceId} the utterance whose translation or dub failed (none for recogniser states). Or one utterance
 * cannot finish - no final will come for it, so clients settle its interim line at once: {@link #FAILED} (the
 * recogniser failed, timed out or was unavailable for it) or {@link #ABANDONED} (it ended without a final for another
 * reason: nothing recognised, its recognition restarted); both always carry {@code utteranceId} and a {@code reason}.
 * {@code seq} is the speaker's event sequence like the other events', so a client can place the status among them.
 */
@JsonTypeName("caption-status")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptionStatus(
        String speaker,
        String utteranceId,
        long seq,
        String state,
        String reason,
        LanguageCode language,
        Instant publishedAt) implements CaptionEvent {

    public static final String OK = "ok";
    public static final String UNTRANSLATED = "untranslated";
    public static final String ASR_UNAVAILABLE = "asr_unavailable";
    public static final String TTS_UNAVAILABLE = "tts_unavailable";
    public static final String FAILED = "failed";
    public static final String ABANDONED = "abandoned";
}

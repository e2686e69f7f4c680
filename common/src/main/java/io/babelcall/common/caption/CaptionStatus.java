package io.babelcall.common.caption;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.babelcall.common.language.LanguageCode;
import java.time.Instant;

/**
 * The state of captions for a speaker changed: {@code state} is one of {@link #OK}, {@link #UNTRANSLATED},
 * {@link #ASR_UNAVAILABLE}, {@link #TTS_UNAVAILABLE}; {@code language} names the affected target language if any.
 */
@JsonTypeName("caption-status")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaptionStatus(
        String speaker,
        String state,
        String reason,
        LanguageCode language,
        Instant publishedAt) implements CaptionEvent {

    public static final String OK = "ok";
    public static final String UNTRANSLATED = "untranslated";
    public static final String ASR_UNAVAILABLE = "asr_unavailable";
    public static final String TTS_UNAVAILABLE = "tts_unavailable";
}

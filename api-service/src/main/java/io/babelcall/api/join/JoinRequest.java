package io.babelcall.api.join;

import io.babelcall.api.language.LanguageTag;
import io.babelcall.api.web.CleanText;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** Body of {@code POST /api/v1/rooms/{roomId}/participants}. */
public record JoinRequest(
        @Schema(description = "Shown to the others; trimmed, 1..64 characters, no control characters",
                example = "Ana", requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 64)
        @NotNull(message = "is required") @CleanText(min = 1, max = 64)
        String displayName,
        @Schema(description = "The language this participant speaks: a well-formed BCP 47 tag with an ISO 639 "
                + "primary language, e.g. en, pt-BR, de-CH-1996; at most 64 characters", example = "en",
                requiredMode = Schema.RequiredMode.REQUIRED)
        @NotNull(message = "is required") @LanguageTag
        String spokenLanguage,
        @Schema(description = "The language this participant reads captions in; default: spokenLanguage", example = "es")
        @LanguageTag
        String captionLanguage,
        @Schema(description = "Whether to hear others dubbed into captionLanguage; default false", example = "false")
        Boolean dubbing) {
}

package io.babelcall.api.language;

import io.babelcall.common.language.LanguageCode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * Answer of {@code GET /api/v1/languages}, shaped for the join form's three controls: the spoken-language select
 * ({@link #spoken}), the caption-language select ({@link #captions}; each says which spoken languages can be
 * captioned into it), and the dubbing switch ({@link #dubbing}: caption languages that can also be spoken aloud).
 * All lists are sorted by English name.
 */
public record Languages(
        @Schema(description = "Languages the speech recogniser understands") List<Spoken> spoken,
        @Schema(description = "Languages captions can be shown in: each spoken language itself plus every "
                + "translation target from it") List<Caption> captions,
        @Schema(description = "Caption languages that can also be dubbed (synthesised)") List<Option> dubbing,
        @Schema(description = "When the orchestrator reported these capabilities") Instant updatedAt,
        @Schema(description = "True when the orchestrator is unreachable and an older answer is served") boolean stale) {

    /** A spoken language and the caption languages its speech can be shown in (itself first). */
    public record Spoken(LanguageCode code, String name, List<LanguageCode> captions) {
    }

    /** A caption language, the spoken languages that can be captioned into it, and whether it can be dubbed. */
    public record Caption(LanguageCode code, String name, List<LanguageCode> from, boolean dubbing) {
    }

    public record Option(LanguageCode code, String name) {
    }

    Languages asStale() {
        return new Languages(spoken, captions, dubbing, updatedAt, true);
    }
}

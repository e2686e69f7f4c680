package io.babelcall.api.room;

import io.babelcall.api.web.CleanText;
import io.swagger.v3.oas.annotations.media.Schema;

/** Body of {@code POST /api/v1/rooms}; the body itself and every field are optional. */
public record CreateRoomRequest(
        @Schema(description = "Optional label shown to participants, trimmed", example = "Weekly sync", maxLength = 100)
        @CleanText(max = 100)
        String name,
        @Schema(description = "Capacity, 2..babelcall.api.max-participants (16; 50 when calls go through the SFU); "
                + "default babelcall.api.default-max-participants (8)", example = "8", minimum = "2", maximum = "50")
        Integer maxParticipants) {
}

package io.babelcall.pipeline.transcript;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.token.ParticipantClaims;
import io.babelcall.pipeline.security.RoomAccess;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/rooms/{roomId}/transcript?format=json|vtt|srt&lang=xx} for a token of that room whose
 * participant is still in it.
 */
@RestController
public class TranscriptController {

    private static final MediaType VTT = new MediaType("text", "vtt", StandardCharsets.UTF_8);
    private static final MediaType SRT = new MediaType("application", "x-subrip", StandardCharsets.UTF_8);

    private final TranscriptStore store;
    private final RoomAccess access;

    public TranscriptController(TranscriptStore store, RoomAccess access) {
        this.store = store;
        this.access = access;
    }

    @GetMapping("/api/v1/rooms/{roomId}/transcript")
    public Mono<ResponseEntity<?>> transcript(@PathVariable String roomId,
                                              @RequestParam(defaultValue = "json") String format,
                                              @RequestParam(required = false) String lang,
                                              ServerHttpRequest request) {
        ParticipantClaims claims = access.authorize(request, roomId);
        return access.requireMember(claims).flatMap(member -> {
            String f = format.toLowerCase(Locale.ROOT);
            if (!f.equals("json") && !f.equals("vtt") && !f.equals("srt")) {
                return Mono.error(RoomAccess.problem(HttpStatus.BAD_REQUEST, "bad_format",
                        "format must be json, vtt or srt"));
            }
            if (lang != null && !LanguageCode.isValid(lang)) {
                return Mono.error(RoomAccess.problem(HttpStatus.BAD_REQUEST, "bad_language",
                        "lang must be a language code such as 'es' or 'pt-BR'"));
            }
            LanguageCode language = lang == null ? null : LanguageCode.of(lang);
            return store.read(roomId).map(entries -> switch (f) {
                case "vtt" -> ResponseEntity.ok().contentType(VTT).body(TranscriptFormatter.vtt(entries, language));
                case "srt" -> ResponseEntity.ok().contentType(SRT).body(TranscriptFormatter.srt(entries, language));
                default -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                        .body(TranscriptFormatter.json(roomId, entries, language));
            });
        });
    }
}

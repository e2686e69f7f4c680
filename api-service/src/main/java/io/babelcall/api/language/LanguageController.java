package io.babelcall.api.language;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Languages")
public class LanguageController {

    private final LanguageCatalog catalog;

    public LanguageController(LanguageCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping(path = "/api/v1/languages", produces = "application/json")
    @Operation(summary = "Languages the configured engines serve",
            description = "Derived from the pipeline orchestrator's engine capabilities, cached briefly "
                    + "(babelcall.api.languages.cache-ttl). A stale answer is served, marked stale=true, while the "
                    + "orchestrator is unreachable.")
    @ApiResponse(responseCode = "200", description = "Spoken, caption and dubbing languages")
    @ApiResponse(responseCode = "503", description = "Orchestrator unreachable and nothing cached",
            headers = @Header(name = "Retry-After", description = "seconds"), content = @Content(
            mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    public Mono<Languages> languages() {
        return catalog.languages();
    }
}

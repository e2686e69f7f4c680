package io.babelcall.api.language;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The languages answer, cached for {@code cacheTtl}. Concurrent misses share one orchestrator call. When the
 * orchestrator fails, the last good answer is served marked {@code stale} (and the next attempt waits another
 * {@code cacheTtl}); with nothing cached the failure becomes 503.
 */
public class LanguageCatalog {

    private static final Logger log = LoggerFactory.getLogger(LanguageCatalog.class);

    private record Snapshot(Languages languages, Instant checkedAt) {
    }

    private final CapabilitiesClient client;
    private final Duration cacheTtl;
    private final Clock clock;
    private final AtomicReference<Snapshot> cache = new AtomicReference<>();
    private final AtomicReference<Mono<Languages>> inflight = new AtomicReference<>();

    public LanguageCatalog(CapabilitiesClient client, Duration cacheTtl, Clock clock) {
        this.client = client;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    public Mono<Languages> languages() {
        return Mono.defer(() -> {
            Snapshot snapshot = cache.get();
            if (snapshot != null && clock.instant().isBefore(snapshot.checkedAt().plus(cacheTtl))) {
                return Mono.just(snapshot.languages());
            }
            return refresh();
        });
    }

    private Mono<Languages> refresh() {
        Mono<Languages> running = inflight.get();
        if (running != null) {
            return running;
        }
        AtomicReference<Mono<Languages>> self = new AtomicReference<>();
        Mono<Languages> call = client.fetch()
                .map(capabilities -> LanguageOptions.from(capabilities, clock.instant()))
                .doOnNext(languages -> cache.set(new Snapshot(languages, clock.instant())))
                .onErrorResume(error -> {
                    Snapshot previous = cache.get();
                    if (previous == null) {
                        log.warn("cannot fetch engine capabilities from the orchestrator: {}", error.toString());
                        return Mono.error(new LanguagesUnavailableException(error));
                    }
                    log.warn("cannot refresh engine capabilities, serving the cached ones: {}", error.toString());
                    Languages stale = previous.languages().stale() ? previous.languages() : previous.languages().asStale();
                    cache.set(new Snapshot(stale, clock.instant()));
                    return Mono.just(stale);
                })
                .switchIfEmpty(Mono.error(() -> new LanguagesUnavailableException(null)))
                // Cleared as the answer passes, before any caller sees it (doFinally would run after block()
                // returned, so a caller right after could still be handed this finished call).
                .doOnEach(signal -> inflight.compareAndSet(self.get(), null))
                .cache();
        self.set(call);
        return inflight.compareAndSet(null, call) ? call : refresh();
    }
}

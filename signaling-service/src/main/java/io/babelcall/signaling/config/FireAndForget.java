package io.babelcall.signaling.config;

import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;

/**
 * Redis commands whose reply nobody waits for (a counter, a mapping's refresh, an unsubscribe): the caller goes on at
 * once, and a failure is logged instead of vanishing with the ignored future.
 */
public final class FireAndForget {

    private FireAndForget() {
    }

    /** Logs {@code what} at WARN if {@code reply} fails; nothing when it succeeds. */
    public static void logFailure(CompletionStage<?> reply, Logger log, String what) {
        var unused = reply.whenComplete((r, e) -> {
            if (e != null) {
                log.warn("{} failed: {}", what, e.toString());
            }
        });
    }
}

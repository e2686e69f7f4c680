package io.babelcall.pipeline.audio;

import io.babelcall.pipeline.speech.PipelineDrain;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * The first step of a shutdown (SIGTERM, a rolling update): readiness goes to REFUSING_TRAFFIC (Spring Boot does so
 * when the context closes; this makes sure of it when only the lifecycle is stopped), then every open {@code /ws/audio}
 * stream is closed with 1012 ({@link AudioRejection#SHUTDOWN}) so its client reconnects at once, to another replica.
 * Each closed stream's utterance in progress is finalised, and {@link PipelineDrain} waits for it later, while Redis is
 * still open.
 */
public class AudioShutdown implements SmartLifecycle {

    /** Before the speech tap ({@code DEFAULT_PHASE - 512}) and the web server's graceful shutdown (- 1024). */
    public static final int PHASE = DEFAULT_PHASE - 256;

    private static final Logger log = LoggerFactory.getLogger(AudioShutdown.class);

    private final AudioStreamRegistry registry;
    private final ApplicationEventPublisher events;
    private final ApplicationAvailability availability;
    private volatile boolean running;

    public AudioShutdown(AudioStreamRegistry registry, ApplicationEventPublisher events,
                         ApplicationAvailability availability) {
        this.registry = registry;
        this.events = events;
        this.availability = availability;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (availability.getReadinessState() != ReadinessState.REFUSING_TRAFFIC) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        }
        int open = registry.streamsByRoom().values().stream().mapToInt(List::size).sum();
        log.info("shutting down: closing {} audio stream(s) with 1012", open);
        registry.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}

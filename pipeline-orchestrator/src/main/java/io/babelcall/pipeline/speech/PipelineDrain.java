package io.babelcall.pipeline.speech;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * At shutdown, after the audio sockets were closed ({@code AudioShutdown}) and the speech tap ended its taps, waits
 * up to {@code babelcall.pipeline.shutdown-drain} for the utterances still under way to finish - final, translations,
 * dubs, transcript entry - while Redis is still open: the Redis connection factory stops in phase 0, long after this.
 */
public class PipelineDrain implements SmartLifecycle {

    /** After the speech tap ({@code DEFAULT_PHASE - 512}), before the web server's graceful shutdown (- 1024). */
    public static final int PHASE = DEFAULT_PHASE - 768;

    private static final Logger log = LoggerFactory.getLogger(PipelineDrain.class);

    private final SpeakerPipelineFactory pipelines;
    private final Duration timeout;
    private volatile boolean running;

    public PipelineDrain(SpeakerPipelineFactory pipelines, Duration timeout) {
        this.pipelines = pipelines;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int open = pipelines.unfinished();
        if (open == 0) {
            return;
        }
        log.info("waiting up to {} ms for {} speaker pipeline(s) to finish their utterances", timeout.toMillis(), open);
        try {
            pipelines.allFinished().block(timeout);
        } catch (RuntimeException e) {
            log.warn("{} speaker pipeline(s) not finished within {} ms; their last utterances may be lost",
                    pipelines.unfinished(), timeout.toMillis());
        }
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

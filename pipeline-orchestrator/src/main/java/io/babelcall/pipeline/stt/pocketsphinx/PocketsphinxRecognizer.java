package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * pocketsphinx in-process (JNA to libpocketsphinx3). Audio is copied on {@link RecognitionSession#accept} and decoded
 * on this instance's own decode threads (never the caller's, which may be a Netty event loop), serially per stream.
 * Interims come from {@code ps_get_hyp} on the running utterance every {@code interimInterval} of audio; the final from
 * {@code ps_end_utt} + {@code ps_get_hyp}. A failure of the decoder ends that utterance with {@code onError}, the
 * decoder is freed and the next utterance gets a fresh one.
 *
 * <p>Each speaker stream is a {@link PocketsphinxStream}: overload handling and the speculative final are there.
 */
final class PocketsphinxRecognizer implements SpeechRecognizer, EngineHealth, AutoCloseable {

    private final String name;
    private final Set<LanguageCode> languages;
    private final int sampleRate;
    private final PocketsphinxLibrary lib;
    private final Pointer config;
    private final DecoderPool pool;
    private final RoomFairThreads decodeThreads;
    private final AtomicInteger openSessions = new AtomicInteger();
    private final AtomicInteger queuedTasks = new AtomicInteger();
    private final PocketsphinxStream.Shared shared;

    /** Threads: {@code decodeThreads} decode, the pool's own make its decoders; all are shut down by close. */
    PocketsphinxRecognizer(String name, Set<LanguageCode> languages, int sampleRate, int interimSamples,
                           int maxQueuedSamples, Duration shedAfter, PocketsphinxLibrary lib, Pointer config,
                           DecoderPool pool, RoomFairThreads decodeThreads) {
        this.name = name;
        this.languages = Set.copyOf(languages);
        this.sampleRate = sampleRate;
        this.lib = lib;
        this.config = config;
        this.pool = pool;
        this.decodeThreads = decodeThreads;
        this.shared = new PocketsphinxStream.Shared(name, sampleRate, interimSamples, maxQueuedSamples, shedAfter, pool,
                decodeThreads, openSessions, queuedTasks);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<LanguageCode> languages() {
        return languages;
    }

    @Override
    public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
        if (request.sampleRate() != sampleRate) {
            throw new IllegalArgumentException("pocketsphinx instance '" + name + "' decodes " + sampleRate
                    + " Hz audio, not " + request.sampleRate() + " Hz");
        }
        openSessions.incrementAndGet();
        return new PocketsphinxStream(shared, request.roomId(), listener);
    }

    /** Whether every stream's queued audio has been decoded (tests measure end-of-speech latency from there). */
    boolean idleWork() {
        return queuedTasks.get() == 0;
    }

    @Override
    public Mono<Status> health() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("decoders", pool.totalCount());
        d.put("idleDecoders", pool.idleCount());
        d.put("maxDecoders", pool.maxDecoders());
        d.put("waitingStreams", pool.waitingCount());
        d.put("openStreams", openSessions.get());
        String error = pool.lastError();
        if (error != null) {
            d.put("error", error);
            return Mono.just(new Status(false, d));
        }
        return Mono.just(Status.up(d));
    }

    @Override
    public void close() {
        decodeThreads.shutdown();
        try {
            decodeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
        lib.sphinxbase.cmd_ln_free_r(config);
    }
}

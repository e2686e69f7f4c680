package io.babelcall.pipeline.engine.remote;

import io.babelcall.pipeline.stt.LocalAgreement;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.engine.spi.EngineTimeoutException;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A recognizer for servers that transcribe a whole utterance per request (OpenAI-compatible transcriptions, the
 * original STT service). The session buffers the utterance's audio; {@code endUtterance()} sends it and the reply is
 * the final (finals are delivered in utterance order, one request at a time per stream). Optionally, every
 * {@code interim-interval} of new audio the growing utterance is re-transcribed (at most one interim request in
 * flight per stream; none before {@code interim-min-audio}), and {@link LocalAgreement} turns those hypotheses into
 * interims that only grow. Audio beyond {@code max-audio} in one utterance is dropped (the pipeline cuts at 15 s).
 *
 * <p>Speculative final ({@code speculative-final}, on by default): when the speaker pauses
 * ({@link RecognitionSession#speechPaused()}) the utterance so far is sent at once, while the endpoint's hangover runs;
 * if the utterance then ends without more speech, that reply is its final, so the server's time overlaps the hangover
 * instead of following it. If the speaker goes on, the reply is ignored and the whole utterance is sent at its end as
 * usual: one request more per pause inside an utterance, each with the utterance so far, so at most
 * {@value #MAX_SPECULATIONS} per utterance (a long one with many pauses would otherwise send its audio many times).
 */
public final class UtteranceRecognizer implements SpeechRecognizer, EngineHealth {

    private static final Logger log = LoggerFactory.getLogger(UtteranceRecognizer.class);
    /** Speculative requests per utterance: a pause at a comma and the end, say. */
    static final int MAX_SPECULATIONS = 2;

    /** The server protocol: optional stream start/end around the utterance requests. */
    public interface Transcriber {

        /** Called once per stream before its first utterance request (and again after a failure). */
        default Mono<Void> start(RecognitionRequest request) {
            return Mono.empty();
        }

        /** Transcribes PCM16 mono audio ({@code request.sampleRate()}); {@code interim}: a re-transcription. */
        Mono<String> transcribe(RecognitionRequest request, short[] samples, boolean interim);

        /** Called when the stream closes, if {@link #start} succeeded. */
        default Mono<Void> end(RecognitionRequest request) {
            return Mono.empty();
        }

        Mono<Status> health();
    }

    /**
     * How often the growing utterance is transcribed again, and its limits.
     *
     * @param interimInterval re-transcribe the growing utterance every this much new audio; zero = no interims
     * @param interimMinAudio no interim request before the utterance has this much audio
     * @param maxAudio        longest utterance kept
     * @param timeout         time limit of one request (the instance's)
     * @param speculativeFinal send the utterance at a pause, ahead of its end
     */
    public record Settings(Duration interimInterval, Duration interimMinAudio, Duration maxAudio, Duration timeout,
                           boolean speculativeFinal) {

        /** The utterance-buffering options shared by the utterance-level STT adapters. */
        public static Settings parse(EngineDefinition def) {
            EngineOptions o = def.options();
            return new Settings(
                    o.duration("interim-interval", Duration.ZERO, true),
                    o.duration("interim-min-audio", Duration.ofSeconds(1), true),
                    o.duration("max-audio", Duration.ofSeconds(30)),
                    def.timeout(),
                    o.bool("speculative-final", true));
        }
    }

    private final String name;
    private final Set<LanguageCode> languages;
    private final Settings settings;
    private final Transcriber transcriber;

    public UtteranceRecognizer(String name, Set<LanguageCode> languages, Settings settings, Transcriber transcriber) {
        this.name = name;
        this.languages = Set.copyOf(languages);
        this.settings = settings;
        this.transcriber = transcriber;
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
    public Mono<Status> health() {
        return transcriber.health();
    }

    @Override
    public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
        return new Session(request, listener);
    }

    private final class Session implements RecognitionSession {

        private final RecognitionRequest request;
        private final RecognitionListener listener;
        private final Sinks.Many<Mono<Void>> finals = Sinks.many().unicast().onBackpressureBuffer();
        private final Disposable worker;
        private final int maxSamples;
        private final int interimSamples;
        private final int interimMinSamples;
        private final AtomicBoolean interimInFlight = new AtomicBoolean();
        private volatile boolean closed;
        private volatile int generation;
        private volatile boolean started;
        private Mono<Void> start;
        // audio-thread state
        private short[] buffer = new short[16_000];
        private int length;
        private int lastInterimAt;
        private boolean truncated;
        private LocalAgreement agreement = new LocalAgreement();
        /** The request sent at the speaker's pause (its reply cached); null when none or the speaker went on. */
        private volatile Mono<String> speculative;
        private int speculations;

        Session(RecognitionRequest request, RecognitionListener listener) {
            this.request = request;
            this.listener = listener;
            int rate = request.sampleRate();
            this.maxSamples = (int) (settings.maxAudio().toMillis() * rate / 1000);
            this.interimSamples = (int) (settings.interimInterval().toMillis() * rate / 1000);
            this.interimMinSamples = (int) (settings.interimMinAudio().toMillis() * rate / 1000);
            this.worker = finals.asFlux().concatMap(job -> job, 1).subscribe();
            started().subscribe(v -> { }, e -> log.debug("{}: stream start failed: {}", name, e.toString()));
        }

        private synchronized Mono<Void> started() {
            if (start == null) {
                start = transcriber.start(request)
                        .doOnSuccess(v -> {
                            started = true;
                            if (closed) { // closed while starting: end the stream on the server too
                                transcriber.end(request).subscribe(x -> { }, e -> { });
                            }
                        })
                        .doOnError(e -> {
                            synchronized (this) {
                                start = null;
                            }
                        })
                        .cache();
            }
            return start;
        }

        @Override
        public void accept(short[] samples, int offset, int count) {
            if (closed) {
                return;
            }
            int room = maxSamples - length;
            if (count > room) {
                if (!truncated) {
                    log.debug("{}: utterance over {}; the rest is dropped", name, settings.maxAudio());
                }
                truncated = true;
                count = Math.max(room, 0);
            }
            if (length + count > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(maxSamples, Math.max(buffer.length * 2, length + count)));
            }
            System.arraycopy(samples, offset, buffer, length, count);
            length += count;
            if (interimSamples > 0 && length >= interimMinSamples && length - lastInterimAt >= interimSamples
                    && interimInFlight.compareAndSet(false, true)) {
                lastInterimAt = length;
                interim(Arrays.copyOf(buffer, length), generation, agreement);
            }
        }

        private void interim(short[] audio, int gen, LocalAgreement la) {
            started().then(Mono.defer(() -> transcriber.transcribe(request, audio, true)))
                    .timeout(settings.timeout())
                    .doFinally(s -> interimInFlight.set(false))
                    .subscribe(text -> {
                        if (gen != generation || closed) {
                            return; // the utterance ended meanwhile: its final replaces it
                        }
                        String stable = la.update(text);
                        if (stable != null) {
                            deliver(() -> listener.onInterim(stable));
                        }
                    }, e -> log.debug("{}: interim failed: {}", name, e.toString()));
        }

        @Override
        public void speechPaused() {
            if (closed || !settings.speculativeFinal() || length == 0 || speculative != null
                    || speculations >= MAX_SPECULATIONS) {
                return;
            }
            speculations++;
            Mono<String> sent = transcribeFinal(Arrays.copyOf(buffer, length)).cache();
            speculative = sent;
            sent.subscribe(text -> {
                if (speculative == sent) { // neither resumed nor ended since
                    deliver(() -> listener.onTentativeFinal(text));
                }
            }, e -> log.debug("{}: speculative final failed: {}", name, e.toString()));
        }

        @Override
        public void speechResumed() {
            speculative = null; // its reply, if any, is ignored: the utterance goes on
        }

        private Mono<String> transcribeFinal(short[] audio) {
            return started()
                    .onErrorResume(e -> started()) // a start that failed earlier is tried once more
                    .then(Mono.defer(() -> transcriber.transcribe(request, audio, false)))
                    .defaultIfEmpty("")
                    .map(String::strip);
        }

        // NonAtomicVolatileUpdate: one writer, the thread calling the session (one at a time, RecognitionSession
        // contract); other threads only read generation
        @SuppressWarnings("NonAtomicVolatileUpdate")
        @Override
        public void endUtterance() {
            if (closed) {
                return;
            }
            Mono<String> paused = speculative;
            speculative = null;
            speculations = 0;
            short[] audio = Arrays.copyOf(buffer, length);
            length = 0;
            lastInterimAt = 0;
            truncated = false;
            agreement = new LocalAgreement();
            generation++;
            Mono<Void> job;
            if (audio.length == 0) {
                job = Mono.fromRunnable(() -> deliver(() -> listener.onFinal("")));
            } else {
                // nothing was said after the pause: the request sent then is the final (the silence since is not sent)
                job = (paused != null ? paused : transcribeFinal(audio))
                        .timeout(settings.timeout(), Mono.error(() ->
                                new EngineTimeoutException(EngineRole.STT, name, settings.timeout())))
                        .doOnNext(text -> deliver(() -> listener.onFinal(text)))
                        .onErrorResume(e -> {
                            deliver(() -> listener.onError(e));
                            return Mono.empty();
                        })
                        .then();
            }
            finals.emitNext(job, Sinks.EmitFailureHandler.FAIL_FAST);
        }

        private void deliver(Runnable callback) {
            if (closed) {
                return;
            }
            try {
                callback.run();
            } catch (RuntimeException e) {
                log.warn("recognition listener failed: {}", e.toString());
            }
        }

        // NonAtomicVolatileUpdate: one writer, the thread calling the session (one at a time, RecognitionSession
        // contract); other threads only read generation
        @SuppressWarnings("NonAtomicVolatileUpdate")
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            worker.dispose();
            if (started) {
                transcriber.end(request).timeout(settings.timeout())
                        .subscribe(v -> { }, e -> log.debug("{}: stream end failed: {}", name, e.toString()));
            }
        }
    }
}

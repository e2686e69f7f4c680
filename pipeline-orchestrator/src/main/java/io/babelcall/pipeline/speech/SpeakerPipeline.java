package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionEvent;
import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Transcript;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.pipeline.audio.Endpointer;
import io.babelcall.pipeline.audio.SpeakerRateLimiter;
import io.babelcall.pipeline.dub.DubAudioStore;
import io.babelcall.pipeline.security.AuthenticatedSpeaker;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.transcript.TranscriptEntry;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.support.logging.CallLog;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One speaker's stream, after the socket: VAD/endpointing -> recognition session (voiced audio only) -> normalised
 * final -> translations (once per distinct listener caption language) -> dubs (once per distinct dubbing language) ->
 * events on the room's channel and the transcript.
 *
 * <p>Ordering: every event gets the next {@code seq} of this speaker when it is queued, and one serial queue publishes
 * them in that order. Translations of utterance N+1 are computed only after N's translations were published (a
 * second serial queue), and they always follow N's final, which is published as soon as the recogniser delivers it.
 * Dubs have their own serial queue so a slow synthesis delays no caption.
 *
 * <p>Threads: {@link #accept} and {@link #close} come from the stream's worker, one at a time; recogniser callbacks
 * from any thread. Engine calls are never made while holding {@link #lock}, so an engine that calls back from inside a
 * call cannot deadlock. An engine error or stall degrades to a {@code caption-status} event and never ends the stream:
 * a recognition session that misses its deadline is abandoned and a fresh one opened at the next utterance.
 */
public final class SpeakerPipeline implements Endpointer.Listener {

    private static final Logger log = LoggerFactory.getLogger(SpeakerPipeline.class);
    private static final String ASR = "asr";

    private final PipelineServices services;
    private final String roomId;
    private final String speakerId;
    private final String speakerName;
    private final LanguageCode language;
    private final Endpointer endpointer;
    private final SpeakerRateLimiter.Bucket rate;
    private final long seqBase;
    private final long interimIntervalNanos;
    private final long interimTranslationIntervalNanos;

    private final Object lock = new Object();
    private final SerialQueue publishQueue;
    private final SerialQueue translationQueue;
    private final SerialQueue dubQueue;

    // audio-thread state
    private long samplesIn;
    private long frameEndSample;
    private long frameArrivalNanos;
    private Instant frameArrivalInstant = Instant.EPOCH;
    private volatile Utterance current;
    private RecognitionSession session;
    private boolean closed;

    // shared state, guarded by lock
    private long seq;
    private int generation;
    private boolean sessionStale;
    private boolean closing;
    private final Deque<Utterance> awaitingFinal = new ArrayDeque<>();
    private String pendingInterim;
    private Utterance pendingInterimFor;
    private long lastInterimNanos = Long.MIN_VALUE / 2;
    private final Map<String, String> states = new HashMap<>();
    private final Map<LanguageCode, Long> lastInterimTranslation = new HashMap<>();
    private final Set<LanguageCode> interimTranslationInFlight = new java.util.HashSet<>();

    /** @param rate the speaker's audio allowance (shared with its other streams); closed with this pipeline */
    public SpeakerPipeline(PipelineServices services, AuthenticatedSpeaker speaker, SpeakerRateLimiter.Bucket rate) {
        this.services = services;
        this.rate = rate;
        this.roomId = speaker.roomId();
        this.speakerId = speaker.participantId();
        Participant p = speaker.participant();
        this.speakerName = p != null && p.displayName() != null ? p.displayName() : speaker.claims().displayName();
        this.language = p != null && p.spokenLanguage() != null ? p.spokenLanguage() : speaker.claims().spokenLanguage();
        this.endpointer = new Endpointer(services.vad(), this);
        // Epoch microseconds as the base keeps seq increasing across this speaker's successive streams.
        Instant now = services.clock().instant();
        this.seqBase = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        this.interimIntervalNanos = services.pipeline().interimInterval().toNanos();
        this.interimTranslationIntervalNanos = services.pipeline().interimTranslationInterval().toNanos();
        String name = "speaker " + speakerId + " of room " + roomId;
        this.publishQueue = new SerialQueue("publish for " + name);
        this.translationQueue = new SerialQueue("translation for " + name);
        this.dubQueue = new SerialQueue("dubbing for " + name);
    }

    public LanguageCode language() {
        return language;
    }

    // ------------------------------------------------------------------ audio thread

    /**
     * 16 kHz audio of one received frame; {@code arrivalNanos} is {@link System#nanoTime()} at its arrival. Audio beyond
     * the speaker's rate limit throws {@link io.babelcall.pipeline.audio.AudioRejectedException} (too_fast) before it
     * reaches VAD or the recogniser.
     */
    public void accept(short[] samples, long arrivalNanos) {
        if (closed) {
            return;
        }
        rate.take(samples.length, Endpointer.SAMPLE_RATE, arrivalNanos);
        frameArrivalNanos = arrivalNanos;
        // wall-clock time of the frame's arrival (not of its processing, which may lag behind under load)
        frameArrivalInstant = services.clock().instant().minusNanos(Math.max(0, System.nanoTime() - arrivalNanos));
        frameEndSample = samplesIn + samples.length;
        dropStaleSession();
        endpointer.accept(samples, 0, samples.length);
        samplesIn = frameEndSample;
        synchronized (lock) {
            publishInterimIfDue(System.nanoTime());
        }
    }

    /** Stream ended (stop, close, replacement or rejection): finalises an utterance in progress, then releases. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        rate.close();
        endpointer.flush();
        boolean closeNow;
        synchronized (lock) {
            closing = true;
            closeNow = awaitingFinal.isEmpty();
        }
        if (closeNow) {
            releaseSession();
        }
    }

    public boolean inSpeech() {
        return endpointer.inSpeech();
    }

    @Override
    public void onSpeechStart(long firstSample) {
        Utterance u = new Utterance(UUID.randomUUID().toString(), instantOf(firstSample));
        current = u;
        if (session == null) {
            openSession();
        }
        u.recognized = session != null;
    }

    @Override
    public void onSpeechAudio(short[] samples, int offset, int length) {
        services.directory().prefetch(roomId);
        Utterance u = current;
        if (u == null || !u.recognized || session == null) {
            return;
        }
        try {
            session.accept(samples, offset, length);
        } catch (RuntimeException e) {
            warn().log("recogniser failed on audio of {} in room {}: {}", speakerId, roomId, e.toString());
            u.recognized = false;
            asrFailed("recognizer error: " + e.getMessage());
            abandonSession();
        }
    }

    @Override
    public void onSpeechEnd(Endpointer.EndReason reason, long lastVoicedSample) {
        Utterance u = current;
        current = null;
        if (u == null) {
            return;
        }
        u.endOfSpeechAt = reason == Endpointer.EndReason.FORCED ? frameArrivalInstant : instantOf(lastVoicedSample);
        u.endOfSpeechNanos = reason == Endpointer.EndReason.FORCED ? frameArrivalNanos : nanosOf(lastVoicedSample);
        if (!u.recognized || session == null) {
            return;
        }
        int gen;
        synchronized (lock) {
            awaitingFinal.addLast(u);
            gen = generation;
        }
        try {
            session.endUtterance();
        } catch (RuntimeException e) {
            warn().log("recogniser failed at end of utterance of {}: {}", speakerId, e.toString());
            failAwaiting(gen, "recognizer error: " + e.getMessage());
            abandonSession();
            return;
        }
        services.deadlines().schedule(() -> recognitionDeadline(u, gen),
                services.pipeline().recognitionTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void openSession() {
        Optional<SpeechRecognizer> recognizer = services.engines().recognizerFor(language);
        if (recognizer.isEmpty()) {
            asrFailed("no speech recognizer for " + language);
            return;
        }
        int gen;
        synchronized (lock) {
            gen = ++generation;
            sessionStale = false;
        }
        try {
            session = recognizer.get().open(new RecognitionRequest(roomId, speakerId, language, Endpointer.SAMPLE_RATE),
                    new Callbacks(gen));
        } catch (RuntimeException e) {
            warn().log("cannot open recognition for {} in room {}: {}", speakerId, roomId, e.toString());
            asrFailed("recognizer unavailable: " + e.getMessage());
            session = null;
        }
    }

    /** A session marked stale by a missed deadline is closed here, on the audio thread that owns it. */
    private void dropStaleSession() {
        boolean stale;
        synchronized (lock) {
            stale = sessionStale;
            sessionStale = false;
        }
        if (stale && session != null) {
            RecognitionSession old = session;
            session = null;
            Utterance u = current;
            if (u != null) {
                u.recognized = false; // its first part went to the abandoned session
            }
            Schedulers.boundedElastic().schedule(() -> closeQuietly(old));
        }
    }

    private void abandonSession() {
        synchronized (lock) {
            generation++;
            sessionStale = false;
        }
        RecognitionSession old = session;
        session = null;
        if (old != null) {
            Schedulers.boundedElastic().schedule(() -> closeQuietly(old));
        }
    }

    private void releaseSession() {
        RecognitionSession old = session;
        session = null;
        synchronized (lock) {
            generation++;
        }
        if (old != null) {
            Schedulers.boundedElastic().schedule(() -> closeQuietly(old));
        }
    }

    private void closeQuietly(RecognitionSession s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            debug().log("closing recognition session: {}", e.toString());
        }
    }

    private Instant instantOf(long sample) {
        long micros = (frameEndSample - sample) * 1_000_000L / Endpointer.SAMPLE_RATE;
        return frameArrivalInstant.minusNanos(micros * 1000);
    }

    private long nanosOf(long sample) {
        return frameArrivalNanos - (frameEndSample - sample) * 1_000_000_000L / Endpointer.SAMPLE_RATE;
    }

    // ------------------------------------------------------------------ recogniser callbacks

    private final class Callbacks implements RecognitionListener {

        private final int gen;

        Callbacks(int gen) {
            this.gen = gen;
        }

        @Override
        public void onInterim(String text) {
            synchronized (lock) {
                if (gen != generation || text == null || text.isBlank() || !awaitingFinal.isEmpty()) {
                    return; // stale session, or the engine is still finishing an earlier utterance
                }
                Utterance u = current;
                if (u == null) {
                    return;
                }
                pendingInterim = text;
                pendingInterimFor = u;
                publishInterimIfDue(System.nanoTime());
            }
        }

        @Override
        public void onFinal(String text) {
            Utterance u;
            synchronized (lock) {
                if (gen != generation || awaitingFinal.isEmpty()) {
                    return;
                }
                u = awaitingFinal.pollFirst();
                pendingInterim = null;
                setState(ASR, null, null, CaptionStatus.OK, null);
                handleFinal(u, text == null ? "" : text);
            }
            closeIfDone();
        }

        @Override
        public void onError(Throwable error) {
            synchronized (lock) {
                if (gen != generation || awaitingFinal.isEmpty()) {
                    return;
                }
                awaitingFinal.pollFirst();
                pendingInterim = null;
                asrFailed("recognizer error: " + error.getMessage());
            }
            closeIfDone();
        }
    }

    private void recognitionDeadline(Utterance u, int gen) {
        synchronized (lock) {
            if (gen != generation || !awaitingFinal.contains(u)) {
                return;
            }
            warn().log("no final from the recogniser for {} in room {} within {}; opening a fresh session", speakerId,
                    roomId, services.pipeline().recognitionTimeout());
            generation++;
            sessionStale = true;
            awaitingFinal.clear();
            pendingInterim = null;
            asrFailed("recognizer timed out");
        }
        closeIfDone();
    }

    private void failAwaiting(int gen, String reason) {
        synchronized (lock) {
            if (gen == generation) {
                awaitingFinal.clear();
            }
            asrFailed(reason);
        }
    }

    private void closeIfDone() {
        boolean release;
        synchronized (lock) {
            release = closing && awaitingFinal.isEmpty();
        }
        if (release) {
            RecognitionSession old = session;
            session = null;
            if (old != null) {
                Schedulers.boundedElastic().schedule(() -> closeQuietly(old));
            }
        }
    }

    // ------------------------------------------------------------------ publishing (callers hold lock)

    private void publishInterimIfDue(long now) {
        if (pendingInterim == null || interimIntervalNanos < 0 || !awaitingFinal.isEmpty()
                || pendingInterimFor != current || now - lastInterimNanos < interimIntervalNanos) {
            return;
        }
        Utterance u = pendingInterimFor;
        String text = services.normalizer().normalize(pendingInterim, language);
        if (text.endsWith(".")) {
            text = text.substring(0, text.length() - 1);
        }
        pendingInterim = null;
        lastInterimNanos = now;
        if (text.isEmpty()) {
            return;
        }
        String t = text;
        publish(s -> new Transcript(speakerId, u.id, s, language, t, false, null, services.clock().instant()), null);
        if (interimTranslationIntervalNanos > 0) {
            translateInterim(u, t, now);
        }
    }

    /** Interim translations: at most one per language per interval, none in flight twice, none after the final. */
    private void translateInterim(Utterance u, String text, long now) {
        services.directory().connectedParticipants(roomId).subscribe(participants -> {
            Targets targets = targets(participants);
            for (LanguageCode target : targets.captions()) {
                synchronized (lock) {
                    Long last = lastInterimTranslation.get(target);
                    if (interimTranslationInFlight.contains(target)
                            || last != null && now - last < interimTranslationIntervalNanos) {
                        continue;
                    }
                    lastInterimTranslation.put(target, now);
                    interimTranslationInFlight.add(target);
                }
                Optional<Translator> translator = services.engines().translatorFor(language, target);
                if (translator.isEmpty()) {
                    synchronized (lock) {
                        interimTranslationInFlight.remove(target);
                    }
                    continue;
                }
                Mono.defer(() -> translator.get().translate(text, language, target))
                        .timeout(services.pipeline().translationTimeout(), services.deadlines())
                        .doFinally(sig -> {
                            synchronized (lock) {
                                interimTranslationInFlight.remove(target);
                            }
                        })
                        .subscribe(translated -> {
                            synchronized (lock) {
                                if (!u.finalPublished && u == current && !translated.isBlank()) {
                                    publish(s -> new Translation(speakerId, u.id, s, language, target, translated,
                                            false, null, services.clock().instant()), null);
                                }
                            }
                        }, e -> debug().log("interim translation to {} failed: {}", target, e.toString()));
            }
        }, e -> debug().log("cannot read listeners of room {}: {}", roomId, e.toString()));
    }

    /**
     * Assigns the next seq and queues the event; each is sent when Redis has taken the previous one, which keeps a
     * speaker's events in seq order on the channel. {@code onPublished} runs when Redis has taken it; the future
     * completes either way (a failure is logged by the queue), so nothing waiting on it stalls while Redis is away.
     */
    private CompletableFuture<Void> publish(LongFunction<CaptionEvent> make, Runnable onPublished) {
        synchronized (lock) {
            CaptionEvent event = make.apply(seqBase + ++seq);
            CompletableFuture<Void> done = new CompletableFuture<>();
            Mono<Void> send = services.publisher().publish(roomId, event);
            publishQueue.submit((onPublished == null ? send : send.doOnSuccess(v -> onPublished.run()))
                    .doFinally(signal -> done.complete(null)));
            return done;
        }
    }

    private void publishStatus(String utteranceId, String state, String reason, LanguageCode target) {
        publish(s -> new CaptionStatus(speakerId, utteranceId, s, state, reason, target, services.clock().instant()),
                null);
    }

    /**
     * Records the state of one capability (asr, or mt/tts per language). A failure is announced every time (so a
     * listener who joins later learns of it with the next utterance); recovery once, when the state was not ok.
     */
    private void setState(String key, String utteranceId, LanguageCode target, String state, String reason) {
        synchronized (lock) {
            String before = states.put(key, state);
            if (!CaptionStatus.OK.equals(state)) {
                publishStatus(utteranceId, state, reason, target);
            } else if (before != null && !CaptionStatus.OK.equals(before)) {
                publishStatus(utteranceId, CaptionStatus.OK, "recovered", target);
            }
        }
    }

    private void asrFailed(String reason) {
        setState(ASR, null, null, CaptionStatus.ASR_UNAVAILABLE, reason);
    }

    // ------------------------------------------------------------------ finals, translations, dubs

    /** Called with lock held, in utterance order. */
    private void handleFinal(Utterance u, String raw) {
        String text = services.normalizer().normalize(raw, language);
        if (text.isEmpty()) {
            return; // noise the recogniser made nothing of: no caption
        }
        u.text = text;
        u.finalPublished = true;
        Instant published = services.clock().instant();
        publish(s -> new Transcript(speakerId, u.id, s, language, text, true, u.endOfSpeechAt, published),
                () -> services.metrics().eosToTranscript(System.nanoTime() - u.endOfSpeechNanos));
        services.metrics().utterance(language);
        translationQueue.submit(Mono.defer(() -> fanOut(u)));
    }

    /** Distinct caption and dubbing languages of the listeners (everyone connected to the room but the speaker). */
    record Targets(Set<LanguageCode> captions, Set<LanguageCode> dubbing) {
    }

    Targets targets(List<Participant> participants) {
        Set<LanguageCode> captions = new TreeSet<>();
        Set<LanguageCode> dubbing = new TreeSet<>();
        for (Participant p : participants) {
            if (p == null || speakerId.equals(p.participantId()) || p.captionLanguage() == null
                    || p.captionLanguage().samePrimaryAs(language)) {
                continue;
            }
            captions.add(p.captionLanguage());
            if (p.dubbing()) {
                dubbing.add(p.captionLanguage());
            }
        }
        return new Targets(captions, dubbing);
    }

    private Mono<Void> fanOut(Utterance u) {
        return services.directory().connectedParticipants(roomId)
                .onErrorResume(e -> {
                    warn().log("cannot read listeners of room {}: {}", roomId, e.toString());
                    return Mono.just(List.of());
                })
                .flatMap(participants -> {
                    Targets targets = targets(participants);
                    return Flux.fromIterable(targets.captions())
                            .flatMap(target -> translate(u, target).map(text -> Map.entry(target, text)))
                            .collectList()
                            .flatMap(done -> {
                                Map<String, String> translations = new LinkedHashMap<>();
                                done.forEach(e -> translations.put(e.getKey().value(), e.getValue()));
                                for (var e : done) {
                                    if (targets.dubbing().contains(e.getKey())) {
                                        dubQueue.submit(Mono.defer(() -> dub(u, e.getKey(), e.getValue())));
                                    }
                                }
                                TranscriptEntry entry = new TranscriptEntry(u.id, speakerId, speakerName, language,
                                        u.text, u.startedAt, u.endOfSpeechAt, translations);
                                return services.transcripts().append(roomId, entry).onErrorResume(e -> {
                                    warn().log("cannot append to transcript of room {}: {}", roomId, e.toString());
                                    return Mono.empty();
                                });
                            });
                });
    }

    private Mono<String> translate(Utterance u, LanguageCode target) {
        Optional<Translator> translator = services.engines().translatorFor(language, target);
        if (translator.isEmpty()) {
            setState("mt:" + target, u.id, target, CaptionStatus.UNTRANSLATED, "no translation engine for " + language
                    + "->" + target);
            return Mono.empty();
        }
        return Mono.defer(() -> translator.get().translate(u.text, language, target))
                .timeout(services.pipeline().translationTimeout(), services.deadlines())
                .filter(text -> !text.isBlank())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("empty translation")))
                .flatMap(text -> Mono.<String>create(sink -> {
                    synchronized (lock) {
                        setState("mt:" + target, u.id, target, CaptionStatus.OK, null);
                        long eos = u.endOfSpeechNanos;
                        publish(s -> new Translation(speakerId, u.id, s, language, target, text, true,
                                u.endOfSpeechAt, services.clock().instant()),
                                () -> services.metrics().eosToTranslation(target, System.nanoTime() - eos))
                                // the transcript entry keeps the translation even if Redis lost the event
                                .thenRun(() -> sink.success(text));
                    }
                }))
                .onErrorResume(e -> {
                    warn().log("translation {}->{} failed for room {}: {}", language, target, roomId, e.toString());
                    setState("mt:" + target, u.id, target, CaptionStatus.UNTRANSLATED, reason(e));
                    return Mono.empty();
                });
    }

    private Mono<Void> dub(Utterance u, LanguageCode lang, String text) {
        Optional<SpeechSynthesizer> synthesizer = services.engines().synthesizerFor(lang);
        if (synthesizer.isEmpty()) {
            setState("tts:" + lang, u.id, lang, CaptionStatus.TTS_UNAVAILABLE, "no speech synthesizer for " + lang);
            return Mono.empty();
        }
        return Mono.defer(() -> synthesizer.get().synthesize(text, lang, null))
                .timeout(services.pipeline().synthesisTimeout(), services.deadlines())
                .flatMap(speech -> services.dubs().store(roomId, speech.wav()).map(id -> Map.entry(id, speech)))
                .doOnNext(stored -> {
                    synchronized (lock) {
                        setState("tts:" + lang, u.id, lang, CaptionStatus.OK, null);
                        Long ms = stored.getValue().duration() == null ? null : stored.getValue().duration().toMillis();
                        publish(s -> new Dub(speakerId, u.id, s, lang, DubAudioStore.path(stored.getKey()), ms,
                                u.endOfSpeechAt, services.clock().instant()), null);
                    }
                })
                .onErrorResume(e -> {
                    warn().log("synthesis in {} failed for room {}: {}", lang, roomId, e.toString());
                    setState("tts:" + lang, u.id, lang, CaptionStatus.TTS_UNAVAILABLE, reason(e));
                    return Mono.empty();
                })
                .then();
    }

    /** Log events of this speaker's pipeline, with the room and speaker as structured fields. */
    private LoggingEventBuilder warn() {
        return CallLog.warn(log, roomId, speakerId);
    }

    private LoggingEventBuilder debug() {
        return CallLog.at(log, Level.DEBUG, roomId, speakerId);
    }

    private static String reason(Throwable e) {
        if (e instanceof TimeoutException) {
            return "timeout";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : "engine error: " + m;
    }
}

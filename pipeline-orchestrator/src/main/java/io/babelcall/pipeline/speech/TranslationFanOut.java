package io.babelcall.pipeline.speech;

import io.babelcall.common.caption.CaptionStatus;
import io.babelcall.common.caption.Dub;
import io.babelcall.common.caption.Translation;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.common.room.Participant;
import io.babelcall.pipeline.dub.DubAudioStore;
import io.babelcall.pipeline.transcript.TranscriptEntry;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.support.logging.CallLog;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * From one speaker's final to its translations (once per distinct caption language among the listeners), dubs (once
 * per distinct dubbing language) and transcript entry; and the throttled translations of interims. Translations of
 * utterance N+1 start only after N's were published (one {@link SerialQueue}); dubs have a queue of their own so a slow
 * synthesis delays no caption.
 *
 * <p>Threads: {@link #finalReady} and {@link #interim} are called from the recognition side (under its lock: they
 * only queue work); everything else runs on Reactor and Lettuce threads as engine replies arrive. The interim throttle
 * is guarded by this object's monitor.
 */
final class TranslationFanOut {

    private static final Logger log = LoggerFactory.getLogger(TranslationFanOut.class);

    private final PipelineServices services;
    private final Speaker speaker;
    private final CaptionSequencer captions;
    private final SerialQueue translationQueue;
    private final SerialQueue dubQueue;
    private final long interimIntervalNanos;
    private final Map<LanguageCode, Long> lastInterim = new HashMap<>();
    private final Set<LanguageCode> interimInFlight = new HashSet<>();
    /** Targets whose last translation failed: not speculated on (a failing engine gets no extra calls) until one works. */
    private final Set<LanguageCode> failing = ConcurrentHashMap.newKeySet();

    TranslationFanOut(PipelineServices services, Speaker speaker, CaptionSequencer captions) {
        this.services = services;
        this.speaker = speaker;
        this.captions = captions;
        this.translationQueue = new SerialQueue("translation for " + speaker);
        this.dubQueue = new SerialQueue("dubbing for " + speaker);
        this.interimIntervalNanos = services.pipeline().interimTranslationInterval().toNanos();
    }

    boolean translatesInterims() {
        return interimIntervalNanos > 0;
    }

    /** Distinct caption and dubbing languages of the listeners (everyone connected to the room but the speaker). */
    record Targets(Set<LanguageCode> captions, Set<LanguageCode> dubbing) {
    }

    Targets targets(List<Participant> participants) {
        Set<LanguageCode> captionLanguages = new TreeSet<>();
        Set<LanguageCode> dubbing = new TreeSet<>();
        for (Participant p : participants) {
            if (p == null || speaker.id().equals(p.participantId()) || p.captionLanguage() == null
                    || p.captionLanguage().samePrimaryAs(speaker.language())) {
                continue;
            }
            captionLanguages.add(p.captionLanguage());
            if (p.dubbing()) {
                dubbing.add(p.captionLanguage());
            }
        }
        return new Targets(captionLanguages, dubbing);
    }

    /**
     * Completes once the fan-outs queued so far (translations, transcript entries) and the dubs they queued are done;
     * their events are then in the {@link CaptionSequencer}'s queue.
     */
    Mono<Void> flushed() {
        return translationQueue.barrier().then(Mono.defer(dubQueue::barrier));
    }

    /** Translations of a speculative final's {@code text}, started before the endpoint, per caption language. */
    record Speculation(String text, Map<LanguageCode, Mono<TranslatedText>> translations) {
    }

    /**
     * Starts translating a speculative final of {@code u} into each listener's caption language, so that its final, if
     * it says the same, finds them ready or under way ({@link #translate}); nothing is published from here.
     */
    void speculate(Utterance u, String text) {
        Speculation previous = u.speculation;
        if (previous != null && previous.text().equals(text)) {
            return;
        }
        LanguageCode language = speaker.language();
        CallLog.Ids ids = speaker.ids(u);
        services.directory().connectedParticipants(speaker.roomId()).subscribe(ids.wrap(participants -> {
            if (u.finalPublished || u.lost) {
                return; // the final came first
            }
            Map<LanguageCode, Mono<TranslatedText>> started = new HashMap<>();
            for (LanguageCode target : targets(participants).captions()) {
                if (failing.contains(target)) {
                    continue;
                }
                services.engines().translatorFor(language, target).ifPresent(translator -> {
                    Mono<TranslatedText> call = Mono.defer(() -> translator.translateMarked(text, language, target))
                            .timeout(services.pipeline().translationTimeout(), services.deadlines())
                            .doOnSuccess(ok -> failing.remove(target))
                            .doOnError(e -> failing.add(target))
                            .cache();
                    call.subscribe(null, ids.wrap((Throwable e) -> speaker.debug(log).log(
                            "speculative translation to {} failed: {}", target, e.toString())));
                    services.metrics().speculativeTranslation("started");
                    started.put(target, call);
                });
            }
            u.speculation = new Speculation(text, started);
        }), ids.wrap((Throwable e) -> speaker.debug(log).log("cannot read listeners of room {}: {}",
                speaker.roomId(), e.toString())));
    }

    /** The final of {@code u} was queued for publication: translate, dub and record it, after the previous one. */
    void finalReady(Utterance u) {
        translationQueue.submit(speaker.ids(u), Mono.defer(() -> fanOut(u)));
    }

    /**
     * Publishes an interim translation of {@code u} only while it is live (no final yet, still the utterance being
     * spoken), deciding and publishing in one step so that no interim can follow the final.
     */
    @FunctionalInterface
    interface LiveGate {
        void publishWhileLive(Utterance u, Runnable publish);
    }

    /**
     * Translates an interim text: at most one per language per interval, never two in flight for one language,
     * published through {@code gate}.
     */
    void interim(Utterance u, String text, long now, LiveGate gate) {
        LanguageCode language = speaker.language();
        CallLog.Ids ids = speaker.ids(u);
        services.directory().connectedParticipants(speaker.roomId()).subscribe(ids.wrap(participants -> {
            for (LanguageCode target : targets(participants).captions()) {
                if (!claimInterimSlot(target, now)) {
                    continue;
                }
                Optional<Translator> translator = services.engines().translatorFor(language, target);
                if (translator.isEmpty()) {
                    releaseInterimSlot(target);
                    continue;
                }
                Mono.defer(() -> translator.get().translateMarked(text, language, target))
                        .timeout(services.pipeline().translationTimeout(), services.deadlines())
                        .doFinally(sig -> releaseInterimSlot(target))
                        .subscribe(ids.wrap(translated -> {
                            if (!translated.text().isBlank()) {
                                gate.publishWhileLive(u, () -> captions.publish(u.id, s -> new Translation(speaker.id(),
                                        u.id, s, language, target, translated.text(), false, null,
                                        services.clock().instant(), translated.unknown()), null));
                            }
                        }), ids.wrap((Throwable e) -> speaker.debug(log).log("interim translation to {} failed: {}",
                                target, e.toString())));
            }
        }), ids.wrap((Throwable e) -> speaker.debug(log).log("cannot read listeners of room {}: {}",
                speaker.roomId(), e.toString())));
    }

    private synchronized boolean claimInterimSlot(LanguageCode target, long now) {
        Long last = lastInterim.get(target);
        if (interimInFlight.contains(target) || (last != null && now - last < interimIntervalNanos)) {
            return false;
        }
        lastInterim.put(target, now);
        interimInFlight.add(target);
        return true;
    }

    private synchronized void releaseInterimSlot(LanguageCode target) {
        interimInFlight.remove(target);
    }

    private Mono<Void> fanOut(Utterance u) {
        CallLog.Ids ids = speaker.ids(u);
        return services.directory().connectedParticipants(speaker.roomId())
                .onErrorResume(ids.wrap((Throwable e) -> {
                    speaker.warn(log).log("cannot read listeners of room {}: {}", speaker.roomId(), e.toString());
                    return Mono.just(List.<Participant>of());
                }))
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
                                        dubQueue.submit(speaker.ids(u),
                                                Mono.defer(() -> dub(u, e.getKey(), e.getValue())));
                                    }
                                }
                                TranscriptEntry entry = new TranscriptEntry(u.id, speaker.id(), speaker.name(),
                                        speaker.language(), u.text, u.startedAt, u.endOfSpeechAt, translations);
                                return services.transcripts().append(speaker.roomId(), entry)
                                        .onErrorResume(ids.wrap((Throwable e) -> {
                                            speaker.warn(log).log("cannot append to transcript of room {}: {}",
                                                    speaker.roomId(), e.toString());
                                            return Mono.<Void>empty();
                                        }));
                            });
                });
    }

    private Mono<String> translate(Utterance u, LanguageCode target) {
        LanguageCode language = speaker.language();
        Optional<Translator> translator = services.engines().translatorFor(language, target);
        if (translator.isEmpty()) {
            captions.state("mt:" + target, u.id, target, CaptionStatus.UNTRANSLATED,
                    "no translation engine for " + language + "->" + target);
            return Mono.empty();
        }
        Speculation speculation = u.speculation;
        Mono<TranslatedText> call = speculation != null && speculation.text().equals(u.text)
                ? speculation.translations().get(target) : null;
        if (call != null) {
            // that call was this final's, made earlier: its failure is the final's too (not asked twice)
            services.metrics().speculativeTranslation("used");
        } else {
            call = Mono.defer(() -> translator.get().translateMarked(u.text, language, target))
                    .timeout(services.pipeline().translationTimeout(), services.deadlines());
        }
        return call
                .filter(translated -> !translated.text().isBlank())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("empty translation")))
                .flatMap(translated -> {
                    failing.remove(target);
                    captions.state("mt:" + target, u.id, target, CaptionStatus.OK, null);
                    long eos = u.endOfSpeechNanos;
                    // unknown words (passed through untranslated) are marked, never shown as a translation;
                    // the transcript entry keeps the translation even if Redis lost the event
                    return Mono.fromFuture(captions.publishAndTrack(u.id, s -> new Translation(speaker.id(), u.id, s, language,
                                    target, translated.text(), true, u.endOfSpeechAt, services.clock().instant(),
                                    translated.unknown()),
                            () -> services.metrics().eosToTranslation(target, System.nanoTime() - eos)))
                            .thenReturn(translated.text());
                })
                .onErrorResume(speaker.ids(u).wrap((Throwable e) -> {
                    failing.add(target);
                    speaker.warn(log).log("translation {}->{} failed for room {}: {}", language, target,
                            speaker.roomId(), e.toString());
                    captions.state("mt:" + target, u.id, target, CaptionStatus.UNTRANSLATED, reason(e));
                    return Mono.<String>empty();
                }));
    }

    private Mono<Void> dub(Utterance u, LanguageCode lang, String text) {
        Optional<SpeechSynthesizer> synthesizer = services.engines().synthesizerFor(lang);
        if (synthesizer.isEmpty()) {
            captions.state("tts:" + lang, u.id, lang, CaptionStatus.TTS_UNAVAILABLE, "no speech synthesizer for " + lang);
            return Mono.empty();
        }
        return Mono.defer(() -> synthesizer.get().synthesize(text, lang, null))
                .timeout(services.pipeline().synthesisTimeout(), services.deadlines())
                .flatMap(speech -> services.dubs().store(speaker.roomId(), speech.wav())
                        .map(id -> Map.entry(id, speech)))
                .doOnNext(stored -> {
                    captions.state("tts:" + lang, u.id, lang, CaptionStatus.OK, null);
                    Long ms = stored.getValue().duration() == null ? null : stored.getValue().duration().toMillis();
                    captions.publish(u.id, s -> new Dub(speaker.id(), u.id, s, lang, DubAudioStore.path(stored.getKey()), ms,
                            u.endOfSpeechAt, services.clock().instant()), null);
                })
                .onErrorResume(speaker.ids(u).wrap((Throwable e) -> {
                    speaker.warn(log).log("synthesis in {} failed for room {}: {}", lang, speaker.roomId(),
                            e.toString());
                    captions.state("tts:" + lang, u.id, lang, CaptionStatus.TTS_UNAVAILABLE, reason(e));
                    return Mono.<Map.Entry<String, SynthesizedSpeech>>empty();
                }))
                .then();
    }

    private static String reason(Throwable e) {
        if (e instanceof TimeoutException) {
            return "timeout";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : "engine error: " + m;
    }
}

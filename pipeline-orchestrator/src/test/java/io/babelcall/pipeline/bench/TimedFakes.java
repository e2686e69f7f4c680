package io.babelcall.pipeline.bench;

import io.babelcall.common.caption.Translation;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.support.FakeEngines;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
/**
 * Fake engines whose recogniser records when each utterance ended, per utterance order of a speaker. Registered
 * only as an explicit source of the benchmark's context (deliberately no {@code @Configuration}: component
 * scanning must not pick it up in test contexts).
 */
class TimedFakes {
    static final Map<String, List<Long>> ENDS = new ConcurrentHashMap<>();
    /** The fake engines; the benchmark scripts what the recogniser "hears". */
    static final FakeEngines FAKES = new FakeEngines();
    /** When Redis acknowledged the PUBLISH of each final 'ca' translation, by utterance id. */
    static final Map<String, Long> CA_ACKED = new ConcurrentHashMap<>();

    /** The orchestrator's publisher, noting when Redis has taken each final 'ca' translation. */
    @Bean
    @Primary
    io.babelcall.pipeline.speech.CaptionPublisher timedPublisher(
            io.babelcall.support.redis.RoomPublisher redis, tools.jackson.databind.ObjectMapper json) {
        return new io.babelcall.pipeline.speech.CaptionPublisher(redis, json) {
            @Override
            public reactor.core.publisher.Mono<Void> publish(String roomId,
                                                             io.babelcall.common.caption.CaptionEvent event) {
                reactor.core.publisher.Mono<Void> sent = super.publish(roomId, event);
                return event instanceof Translation t && t.isFinal() && t.language().value().equals("ca")
                        ? sent.doOnSuccess(v -> CA_ACKED.put(t.utteranceId(), System.nanoTime()))
                        : sent;
            }
        };
    }

    @Bean
    org.springframework.boot.health.contributor.HealthIndicator enginesHealthIndicator() {
        return () -> org.springframework.boot.health.contributor.Health.up().build();
    }

    @Bean
    @Primary
    EngineRouter timedFakeEngines() {
        FakeEngines fakes = FAKES;
        return new EngineRouter() {
            @Override
            public java.util.Optional<io.babelcall.pipeline.stt.SpeechRecognizer> recognizerFor(
                    io.babelcall.common.language.LanguageCode spoken) {
                var inner = fakes.recognizer;
                return java.util.Optional.of(new io.babelcall.pipeline.stt.SpeechRecognizer() {
                    @Override
                    public String name() {
                        return "timed-fake";
                    }

                    @Override
                    public java.util.Set<io.babelcall.common.language.LanguageCode> languages() {
                        return inner.languages();
                    }

                    @Override
                    public RecognitionSession open(RecognitionRequest r, RecognitionListener l) {
                        RecognitionSession s = inner.open(r, l);
                        return new RecognitionSession() {
                            @Override
                            public void accept(short[] a, int o, int n) {
                                s.accept(a, o, n);
                            }

                            @Override
                            public void endUtterance() {
                                ENDS.computeIfAbsent(r.speakerId(), k -> Collections.synchronizedList(new ArrayList<>()))
                                        .add(System.nanoTime());
                                s.endUtterance();
                            }

                            @Override
                            public void close() {
                                s.close();
                            }
                        };
                    }
                });
            }

            @Override
            public java.util.Optional<io.babelcall.pipeline.translation.Translator> translatorFor(
                    io.babelcall.common.language.LanguageCode source, io.babelcall.common.language.LanguageCode target) {
                return fakes.translatorFor(source, target);
            }

            @Override
            public java.util.Optional<io.babelcall.pipeline.tts.SpeechSynthesizer> synthesizerFor(
                    io.babelcall.common.language.LanguageCode language) {
                return fakes.synthesizerFor(language);
            }

            @Override
            public io.babelcall.common.engine.EngineCapabilities capabilities() {
                return fakes.capabilities();
            }
        };
    }
}

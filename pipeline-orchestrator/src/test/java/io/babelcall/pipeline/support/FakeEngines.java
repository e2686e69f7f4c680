package io.babelcall.pipeline.support;

import io.babelcall.common.caption.TextSpan;
import io.babelcall.common.engine.EngineCapabilities;
import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.registry.EngineRouter;
import io.babelcall.pipeline.stt.RecognitionListener;
import io.babelcall.pipeline.stt.RecognitionRequest;
import io.babelcall.pipeline.stt.RecognitionSession;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.translation.TranslatedText;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * In-process engines for pipeline tests: a recogniser that answers each utterance with the next scripted sentence of
 * its speaker, a translator that counts its calls and can be made to fail per target language, a synthesiser that
 * makes a silent WAV. English is recognised; every pair translates; every language is spoken.
 */
public class FakeEngines implements EngineRouter {

    public final FakeRecognizer recognizer = new FakeRecognizer();
    public final CountingTranslator translator = new CountingTranslator();
    public final FakeSynthesizer synthesizer = new FakeSynthesizer();

    @Override
    public Optional<SpeechRecognizer> recognizerFor(LanguageCode spoken) {
        return "en".equals(spoken.primary()) ? Optional.of(recognizer) : Optional.empty();
    }

    @Override
    public Optional<Translator> translatorFor(LanguageCode source, LanguageCode target) {
        return Optional.of(translator);
    }

    @Override
    public Optional<SpeechSynthesizer> synthesizerFor(LanguageCode language) {
        return Optional.of(synthesizer);
    }

    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(List.of(LanguageCode.of("en")),
                List.of(new TranslationPair(LanguageCode.of("en"), LanguageCode.of("es"))), List.of(LanguageCode.of("es")));
    }

    /** Answers utterances of a speaker with its scripted sentences in order ("hello world" when none is left). */
    public static final class FakeRecognizer implements SpeechRecognizer {

        public final AtomicInteger sessionsOpened = new AtomicInteger();
        public final AtomicLong samplesAccepted = new AtomicLong();
        public final AtomicInteger utterances = new AtomicInteger();
        private final Map<String, Deque<String>> scripts = new ConcurrentHashMap<>();
        private final Map<String, Deque<String>> tentatives = new ConcurrentHashMap<>();
        private volatile boolean stalled;
        private volatile boolean speculating;

        /**
         * While on, a pause of the speaker gets a speculative final: the text given by {@link #tentative} for it, else
         * the sentence its utterance's final will be.
         */
        public void speculate(boolean on) {
            speculating = on;
            tentatives.clear();
        }

        /** The speculative final of the speaker's next pause (once), e.g. one the final will not confirm. */
        public void tentative(String speakerId, String text) {
            tentatives.computeIfAbsent(speakerId, k -> new ArrayDeque<>()).add(text);
        }

        /** While on, utterances get no final at all (a hung engine). */
        public void stall(boolean stall) {
            stalled = stall;
        }

        public void script(String speakerId, String... sentences) {
            scripts.computeIfAbsent(speakerId, k -> new ArrayDeque<>()).addAll(List.of(sentences));
        }

        @Override
        public String name() {
            return "fake-stt";
        }

        @Override
        public Set<LanguageCode> languages() {
            return Set.of(LanguageCode.of("en"));
        }

        @Override
        public RecognitionSession open(RecognitionRequest request, RecognitionListener listener) {
            sessionsOpened.incrementAndGet();
            return new RecognitionSession() {
                long samples;
                long sinceInterim;

                @Override
                public void accept(short[] s, int offset, int length) {
                    samples += length;
                    sinceInterim += length;
                    samplesAccepted.addAndGet(length);
                    if (sinceInterim >= 8000) { // an interim per 0.5 s of speech
                        sinceInterim = 0;
                        listener.onInterim("so far " + samples / 16 + " ms");
                    }
                }

                @Override
                public void speechPaused() {
                    if (speculating && !stalled) {
                        Deque<String> given = tentatives.get(request.speakerId());
                        String tentative = given == null ? null : given.pollFirst();
                        Deque<String> script = scripts.get(request.speakerId());
                        String next = script == null ? null : script.peekFirst();
                        listener.onTentativeFinal(tentative != null ? tentative : next == null ? "hello world" : next);
                    }
                }

                @Override
                public void endUtterance() {
                    utterances.incrementAndGet();
                    samples = 0;
                    sinceInterim = 0;
                    if (stalled) {
                        return;
                    }
                    Deque<String> script = scripts.get(request.speakerId());
                    String text = script == null ? null : script.pollFirst();
                    listener.onFinal(text == null ? "hello world" : text);
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** Returns "[target] text"; counts calls per target; can fail for chosen targets. */
    public static final class CountingTranslator implements Translator {

        public static final String UNKNOWN_WORD = "zorblax";

        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        private final Set<String> failing = ConcurrentHashMap.newKeySet();

        public int calls(String target) {
            AtomicInteger n = calls.get(target);
            return n == null ? 0 : n.get();
        }

        public void fail(String target, boolean fail) {
            if (fail) {
                failing.add(target);
            } else {
                failing.remove(target);
            }
        }

        public void reset() {
            calls.clear();
            failing.clear();
        }

        @Override
        public String name() {
            return "counting-mt";
        }

        @Override
        public Set<TranslationPair> pairs() {
            return Set.of();
        }

        @Override
        public Mono<String> translate(String text, LanguageCode source, LanguageCode target) {
            calls.computeIfAbsent(target.value(), k -> new AtomicInteger()).incrementAndGet();
            if (failing.contains(target.value())) {
                return Mono.error(new IllegalStateException("translator for " + target + " is down"));
            }
            return Mono.just("[" + target + "] " + text);
        }

        /** Reports every "zorblax" (any case) of the result as an unknown word, as an engine that does not know it. */
        @Override
        public Mono<TranslatedText> translateMarked(String text, LanguageCode source, LanguageCode target) {
            return translate(text, source, target).map(translated -> {
                List<TextSpan> unknown = new ArrayList<>();
                String lower = translated.toLowerCase(java.util.Locale.ROOT);
                for (int at = lower.indexOf(UNKNOWN_WORD); at >= 0; at = lower.indexOf(UNKNOWN_WORD, at + 1)) {
                    unknown.add(new TextSpan(at, at + UNKNOWN_WORD.length()));
                }
                return new TranslatedText(translated, unknown);
            });
        }
    }

    /** A silent 16 kHz WAV of 100 ms per word. */
    public static final class FakeSynthesizer implements SpeechSynthesizer {

        public final AtomicInteger calls = new AtomicInteger();
        private volatile boolean failing;

        /** While on, every synthesis fails. */
        public void fail(boolean fail) {
            failing = fail;
        }

        @Override
        public String name() {
            return "fake-tts";
        }

        @Override
        public Set<LanguageCode> languages() {
            return Set.of();
        }

        @Override
        public Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice) {
            calls.incrementAndGet();
            if (failing) {
                return Mono.error(new IllegalStateException("synthesizer is down"));
            }
            int words = text.split("\\s+").length;
            short[] pcm = new short[1600 * words];
            return Mono.just(new SynthesizedSpeech(Audio.wav(pcm, 16000), Duration.ofMillis(100L * words)));
        }
    }
}

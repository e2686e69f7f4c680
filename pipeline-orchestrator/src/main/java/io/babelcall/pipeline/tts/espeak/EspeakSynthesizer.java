package io.babelcall.pipeline.tts.espeak;

import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineException;
import io.babelcall.pipeline.engine.spi.EngineHealth;
import io.babelcall.pipeline.engine.spi.EngineRejectedException;
import io.babelcall.pipeline.engine.spi.Languages;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import io.babelcall.pipeline.tts.SynthesizedSpeech;
import io.babelcall.pipeline.tts.WavFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Type {@code espeak-ng}: one short {@code espeak-ng --stdin --stdout} process per sentence (~20 ms), text on stdin (so
 * it is never parsed as options), WAV on stdout; the streamed WAV's placeholder sizes are fixed and the duration read
 * from its header. Runs on {@code boundedElastic}; at most {@code maxConcurrent} processes at once.
 */
final class EspeakSynthesizer implements SpeechSynthesizer, EngineHealth {

    private final String name;
    private final Path binary;
    private final EspeakVoices voices;
    private final Set<LanguageCode> languages;
    private final Map<String, String> voiceOverrides;
    private final Integer speed;
    private final int maxChars;
    private final Duration timeout;
    private final Semaphore slots;

    EspeakSynthesizer(String name, Path binary, EspeakVoices voices, Map<String, String> voiceOverrides, Integer speed,
                      int maxChars, int maxConcurrent, Duration timeout) {
        this.name = name;
        this.binary = binary;
        this.voices = voices;
        this.languages = Set.copyOf(voices.languages());
        this.voiceOverrides = Map.copyOf(voiceOverrides);
        this.speed = speed;
        this.maxChars = maxChars;
        this.timeout = timeout;
        this.slots = new Semaphore(maxConcurrent);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<LanguageCode> languages() {
        return languages;
    }

    /** The {@code -v} argument used for a language (explicit override, else the best listed voice). */
    String voiceFor(LanguageCode language) {
        String exact = voiceOverrides.get(language.value().toLowerCase(Locale.ROOT));
        if (exact != null) {
            return exact;
        }
        if (!language.value().equals(language.primary())) {
            var regional = voices.exactVoice(language);
            if (regional.isPresent()) {
                return regional.get(); // en-GB -> en-gb even when "en" is overridden to en-us
            }
        }
        String primary = voiceOverrides.get(language.primary());
        return primary != null ? primary : voices.voiceFor(language).orElse(null);
    }

    @Override
    public Mono<SynthesizedSpeech> synthesize(String text, LanguageCode language, String voice) {
        if (text == null || text.isBlank()) {
            return Mono.error(new IllegalArgumentException("nothing to synthesise"));
        }
        if (text.length() > maxChars) {
            return Mono.error(new IllegalArgumentException(
                    "text of " + text.length() + " characters is over the limit of " + maxChars));
        }
        String v = voice;
        if (v == null) {
            if (!Languages.serves(languages, language)) {
                return Mono.error(new IllegalArgumentException("espeak-ng has no voice for '" + language + "'"));
            }
            v = voiceFor(language);
        } else if (!voices.isVoice(v.replaceFirst("\\+.*$", ""))) {
            return Mono.error(new IllegalArgumentException("unknown espeak-ng voice '" + voice + "'"));
        }
        String selected = v;
        AtomicReference<Process> process = new AtomicReference<>();
        return Mono.fromCallable(() -> run(text, selected, process))
                .subscribeOn(Schedulers.boundedElastic())
                .doOnCancel(() -> {
                    Process p = process.get();
                    if (p != null) {
                        p.destroyForcibly();
                    }
                });
    }

    private SynthesizedSpeech run(String text, String voice, AtomicReference<Process> holder) throws Exception {
        if (!slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new EngineRejectedException("all espeak-ng slots busy");
        }
        try {
            List<String> cmd = new ArrayList<>(List.of(binary.toString(), "-v", voice, "-b", "1"));
            if (speed != null) {
                cmd.addAll(List.of("-s", speed.toString()));
            }
            cmd.addAll(List.of("--stdin", "--stdout"));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            holder.set(p);
            try (OutputStream in = p.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new EngineException("espeak-ng did not exit");
            }
            if (p.exitValue() != 0) {
                throw new EngineException("espeak-ng exited with " + p.exitValue() + " for voice " + voice);
            }
            byte[] wav;
            try {
                wav = WavFile.withExactSizes(out);
            } catch (IllegalArgumentException e) {
                throw new EngineException("espeak-ng wrote no WAV (" + e.getMessage() + ")");
            }
            return new SynthesizedSpeech(wav, WavFile.parse(wav).duration());
        } catch (IOException e) {
            throw new EngineException("espeak-ng failed: " + e.getMessage(), e);
        } finally {
            slots.release();
        }
    }

    @Override
    public Mono<Status> health() {
        return Mono.just(Status.up(Map.of("voices", voices.size(), "languages", languages.size())));
    }
}

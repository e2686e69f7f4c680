package io.babelcall.pipeline.stt.pocketsphinx;

import com.sun.jna.Pointer;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.BackgroundThreads;
import io.babelcall.pipeline.engine.spi.ConfigErrors;
import io.babelcall.pipeline.engine.spi.EngineDefinition;
import io.babelcall.pipeline.engine.spi.EngineFactory;
import io.babelcall.pipeline.engine.spi.EngineOptions;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Type {@code pocketsphinx}: in-process libpocketsphinx3 with the Debian en-US model. Options (all optional):
 * {@code model-dir}, {@code hmm}, {@code lm}, {@code dict}, {@code languages} (default {@code en}),
 * {@code sample-rate} (16000), {@code max-decoders} (4), {@code min-idle} (1), {@code max-decoders-per-room}
 * (max-decoders - 1, at least 1), {@code decoder-wait} (3s), {@code decode-threads} (CPU count),
 * {@code interim-interval} (50ms), {@code max-backlog} (5s), {@code fwdflat} (true), {@code bestpath} (true),
 * {@code warm-up} (true: each decoder made ahead of need decodes a second of speech-like sound once),
 * {@code extra-args}, {@code log-file} (/dev/null), {@code library} (pocketsphinx), {@code sphinxbase-library}.
 */
public class PocketsphinxFactory implements EngineFactory<SpeechRecognizer> {

    public static final String TYPE = "pocketsphinx";
    static final Path DEFAULT_MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public EngineRole role() {
        return EngineRole.STT;
    }

    @Override
    public SpeechRecognizer create(EngineDefinition def, ConfigErrors errors) {
        EngineOptions o = def.options();
        Path modelDir = o.path("model-dir", DEFAULT_MODEL);
        Path hmm = o.path("hmm", modelDir.resolve("en-us"));
        Path lm = o.path("lm", modelDir.resolve("en-us.lm.bin"));
        Path dict = o.path("dict", modelDir.resolve("cmudict-en-us.dict"));
        List<String> langs = o.list("languages");
        int sampleRate = o.integer("sample-rate", 16000, 8000, 48000);
        int maxDecoders = o.integer("max-decoders", 4, 1, 256);
        int minIdle = o.integer("min-idle", 1, 0, 256);
        int maxPerRoom = o.integer("max-decoders-per-room", Math.max(1, maxDecoders - 1), 1, 256);
        if (maxPerRoom > maxDecoders) {
            o.invalid("max-decoders-per-room", "must not exceed max-decoders (" + maxDecoders + "), was " + maxPerRoom);
        }
        Duration decoderWait = o.duration("decoder-wait", Duration.ofSeconds(3), true);
        if (decoderWait.compareTo(Duration.ofSeconds(30)) > 0) {
            o.invalid("decoder-wait", "must be at most 30s (the audio waits queued), was " + decoderWait);
        }
        int threads = o.integer("decode-threads", Runtime.getRuntime().availableProcessors(), 1, 256);
        Duration interim = o.duration("interim-interval", Duration.ofMillis(50));
        Duration backlog = o.duration("max-backlog", Duration.ofSeconds(5));
        boolean fwdflat = o.bool("fwdflat", true);
        boolean bestpath = o.bool("bestpath", true);
        boolean warmUp = o.bool("warm-up", true);
        String extra = o.string("extra-args", "");
        String logFile = o.string("log-file", "/dev/null");
        String library = o.string("library", "pocketsphinx");
        String sphinxbase = o.string("sphinxbase-library", "sphinxbase");

        Set<LanguageCode> languages = new LinkedHashSet<>();
        for (String l : langs.isEmpty() ? List.of("en") : langs) {
            if (LanguageCode.isValid(l)) {
                languages.add(LanguageCode.of(l));
            } else {
                errors.add(o.property("languages"), "'" + l + "' is not a language tag");
            }
        }
        boolean filesOk = true;
        for (Path p : List.of(hmm, lm, dict)) {
            if (!Files.isReadable(p)) {
                errors.add(def.property() + ".options",
                        "model file " + p + " is missing; install it with: apt-get install -y pocketsphinx-en-us");
                filesOk = false;
            }
        }
        PocketsphinxLibrary lib;
        try {
            lib = PocketsphinxLibrary.load(library, sphinxbase);
        } catch (IllegalStateException e) {
            errors.add(def.property(), e.getMessage());
            return null;
        }
        if (!filesOk || languages.isEmpty()) {
            return null;
        }
        List<String> argv = new ArrayList<>(List.of(
                "-hmm", hmm.toString(), "-lm", lm.toString(), "-dict", dict.toString(),
                "-samprate", Integer.toString(sampleRate),
                "-fwdflat", fwdflat ? "yes" : "no", "-bestpath", bestpath ? "yes" : "no",
                "-logfn", logFile));
        for (String a : extra.trim().split("\\s+", -1)) {
            if (!a.isEmpty()) {
                argv.add(a);
            }
        }
        Pointer config = lib.sphinxbase.cmd_ln_parse_r(null, lib.ps.ps_args(), argv.size(),
                argv.toArray(String[]::new), 1);
        if (config == null) {
            errors.add(def.property() + ".options", "pocketsphinx rejected its arguments " + argv);
            return null;
        }
        RoomFairThreads decodeThreads = new RoomFairThreads("stt-" + def.name() + "-", threads);
        DecoderPool pool = new DecoderPool(lib, config, maxDecoders, minIdle, maxPerRoom, decoderWait,
                loaderThread("stt-" + def.name() + "-loader", false),
                loaderThread("stt-" + def.name() + "-preloader", true), warmUp ? WarmUpAudio.speechLike() : null);
        // A stream whose final is still behind its own queued audio at 3/4 of the time limit gives the utterance up as
        // overload (not counted by the breaker) before the time limit would count it as an engine failure.
        PocketsphinxRecognizer recognizer = new PocketsphinxRecognizer(def.name(), languages, sampleRate,
                (int) (interim.toMillis() * sampleRate / 1000), (int) (backlog.toMillis() * sampleRate / 1000),
                def.timeout().multipliedBy(3).dividedBy(4), lib, config, pool, decodeThreads);
        pool.warmUp();
        return recognizer;
    }

    /**
     * A thread that makes decoders (model loading, warm-up), so decode threads never wait for it; {@code background}:
     * at low priority, for decoders made ahead of need (when they are made at all is the pool's policy: {@link
     * DecoderPool}).
     */
    private static ExecutorService loaderThread(String name, boolean background) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                background ? BackgroundThreads.factory(name) : r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}

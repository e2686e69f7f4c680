package io.babelcall.pipeline.engine.registry;

import io.babelcall.common.engine.TranslationPair;
import io.babelcall.common.language.LanguageCode;
import io.babelcall.pipeline.engine.spi.EngineRole;
import io.babelcall.pipeline.stt.SpeechRecognizer;
import io.babelcall.pipeline.translation.Translator;
import io.babelcall.pipeline.tts.SpeechSynthesizer;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine interface of one {@link EngineRole}: the typed key under which {@link EngineRegistry} hands out its
 * instances, so that no caller casts an engine by its role.
 *
 * @param <E> {@code SpeechRecognizer}, {@code Translator} or {@code SpeechSynthesizer}
 */
public final class EngineKind<E> {

    public static final EngineKind<SpeechRecognizer> STT = new EngineKind<>(EngineRole.STT, SpeechRecognizer.class,
            SpeechRecognizer::languages, r -> Set.of());
    public static final EngineKind<Translator> MT = new EngineKind<>(EngineRole.MT, Translator.class,
            t -> Set.of(), Translator::pairs);
    public static final EngineKind<SpeechSynthesizer> TTS = new EngineKind<>(EngineRole.TTS, SpeechSynthesizer.class,
            SpeechSynthesizer::languages, s -> Set.of());

    private final EngineRole role;
    private final Class<E> type;
    private final Function<E, Set<LanguageCode>> languages;
    private final Function<E, Set<TranslationPair>> pairs;

    private EngineKind(EngineRole role, Class<E> type, Function<E, Set<LanguageCode>> languages,
                       Function<E, Set<TranslationPair>> pairs) {
        this.role = role;
        this.type = type;
        this.languages = languages;
        this.pairs = pairs;
    }

    public static EngineKind<?> of(EngineRole role) {
        return switch (role) {
            case STT -> STT;
            case MT -> MT;
            case TTS -> TTS;
        };
    }

    public EngineRole role() {
        return role;
    }

    /** The interface every engine of this role implements. */
    public Class<E> type() {
        return type;
    }

    /** The languages an STT or TTS engine serves; empty for MT. */
    Set<LanguageCode> languages(E engine) {
        return languages.apply(engine);
    }

    /** The pairs an MT engine serves; empty for STT and TTS. */
    Set<TranslationPair> pairs(E engine) {
        return pairs.apply(engine);
    }

    @Override
    public String toString() {
        return role.tag();
    }
}

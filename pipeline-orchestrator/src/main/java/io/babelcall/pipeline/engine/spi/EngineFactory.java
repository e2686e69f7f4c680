package io.babelcall.pipeline.engine.spi;

import io.babelcall.pipeline.engine.registry.EngineRegistry;
/**
 * Creates engine instances of one {@link #type()}. Declare one bean per adapter type; {@link EngineRegistry} picks the
 * factory named by {@code babelcall.engines.instances.<name>.type}.
 *
 * @param <E> {@code SpeechRecognizer}, {@code Translator} or {@code SpeechSynthesizer}, matching {@link #role()}
 */
public interface EngineFactory<E> {

    /** The value of {@code type} this factory serves, e.g. {@code pocketsphinx}. */
    String type();

    EngineRole role();

    /**
     * Builds the instance. Report every problem (missing binary with its Debian package, bad option ...) to
     * {@code errors} and return null when the instance cannot be built; do not throw for configuration problems.
     * Must not block for long: start processes lazily or in the background. An engine that owns processes, threads or
     * native memory implements {@link AutoCloseable}; it is closed at shutdown.
     */
    E create(EngineDefinition definition, ConfigErrors errors);
}

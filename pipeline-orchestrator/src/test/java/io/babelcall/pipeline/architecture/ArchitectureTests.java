package io.babelcall.pipeline.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The orchestrator's layering: adapters see only their port and the engine SPI, the engine internals never see the
 * adapters except through the wiring, and the capability packages form no cycle (with the frozen exceptions below).
 */
@AnalyzeClasses(packages = "io.babelcall.pipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    static final String[] PORTS = {"io.babelcall.pipeline.stt", "io.babelcall.pipeline.translation",
            "io.babelcall.pipeline.tts"};
    static final String[] ADAPTERS = {"io.babelcall.pipeline.stt.*..", "io.babelcall.pipeline.translation.*..",
            "io.babelcall.pipeline.tts.*.."};
    /** What an adapter may use of this code base: its port (WavFile is shared audio), the SPI and remote helpers. */
    static final String[] SPI = {"io.babelcall.common..", "io.babelcall.pipeline.stt",
            "io.babelcall.pipeline.translation", "io.babelcall.pipeline.tts", "io.babelcall.pipeline.engine.spi",
            "io.babelcall.pipeline.engine.remote"};

    @ArchTest
    static final ArchRule noOtherService = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.babelcall.api..", "io.babelcall.signaling..")
            .because("services share code through common and service-support only");

    @ArchTest
    static final ArchRule adaptersUseOnlyTheSpi = classes().that().resideInAnyPackage(ADAPTERS)
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.babelcall..")
                    .or(resideInAnyPackage(SPI)).or(resideInAnyPackage(ADAPTERS)))
            .because("an adapter is replaceable on its own: no registry, resilience, config, speech or audio internals");

    @ArchTest
    static final ArchRule sttAdaptersAreIndependent = slices().matching("io.babelcall.pipeline.stt.(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule translationAdaptersAreIndependent = slices()
            .matching("io.babelcall.pipeline.translation.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule ttsAdaptersAreIndependent = slices().matching("io.babelcall.pipeline.tts.(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule portsAndSpiStandAlone = classes().that().resideInAnyPackage(PORTS)
            .or().resideInAPackage("io.babelcall.pipeline.engine.spi")
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.babelcall..")
                    .or(resideInAnyPackage("io.babelcall.common..", "io.babelcall.pipeline.engine.spi"))
                    .or(resideInAnyPackage(PORTS)))
            .because("the ports and the SPI are what adapters build on; they know no implementation");

    @ArchTest
    static final ArchRule onlyTheWiringKnowsTheAdapters = noClasses()
            .that().resideOutsideOfPackages("io.babelcall.pipeline.engine", "io.babelcall.pipeline.stt..",
                    "io.babelcall.pipeline.translation..", "io.babelcall.pipeline.tts..")
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTERS)
            .because("the pipeline reaches engines through EngineRouter; EngineConfiguration alone names adapters");

    /**
     * Every package is a slice. Frozen exceptions (the speech pipeline and its socket were split out of one class
     * and still share two seams; moving them is a change of its own):
     * <ul>
     * <li>{@code speech} uses {@code audio}'s {@code Endpointer} (VAD) and {@code SpeakerRateLimiter}, which the
     * socket ({@code audio}) creates per speaker and hands to {@code SpeakerPipelineFactory};</li>
     * <li>{@code security.AudioHandshakeFilter} asks {@code speech.ListenerDirectory} whether a listener is known,
     * while {@code speech} takes the handshake's {@code security.AuthenticatedSpeaker}.</li>
     * </ul>
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.babelcall.pipeline.(**)")
            .should().beFreeOfCycles()
            .ignoreDependency(resideInAnyPackage("io.babelcall.pipeline.speech"),
                    resideInAnyPackage("io.babelcall.pipeline.audio"))
            .ignoreDependency(resideInAnyPackage("io.babelcall.pipeline.security"),
                    resideInAnyPackage("io.babelcall.pipeline.speech"));
}

package io.babelcall.common;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** {@code common} is the wire contract every service and client shares: plain Java, no framework in it. */
@AnalyzeClasses(packages = "io.babelcall.common", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule noSpring = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "reactor..", "io.lettuce..")
            .because("common is read by every service and must not pull a framework into any of them");

    @ArchTest
    static final ArchRule onlyJacksonAnnotations = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("tools.jackson..", "com.fasterxml.jackson.databind..")
            .because("wire records carry Jackson annotations only; each service owns its mapper");

    @ArchTest
    static final ArchRule noService = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.babelcall.api..", "io.babelcall.signaling..", "io.babelcall.pipeline..",
                    "io.babelcall.support..")
            .because("common is at the bottom of the module graph");
}

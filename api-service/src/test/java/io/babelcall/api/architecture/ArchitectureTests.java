package io.babelcall.api.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The api's capability packages ({@code room}, {@code token}, {@code ice}, {@code language}, {@code join}) build on
 * the shared HTTP plumbing ({@code web}, {@code config}) and form no cycle; {@code join} composes the others.
 */
@AnalyzeClasses(packages = "io.babelcall.api", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule noOtherService = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.babelcall.pipeline..", "io.babelcall.signaling..")
            .because("services share code through common and service-support only");

    @ArchTest
    static final ArchRule plumbingKnowsNoCapability = noClasses()
            .that().resideInAnyPackage("io.babelcall.api.web..", "io.babelcall.api.config..")
            .should().dependOnClassesThat().resideInAnyPackage("io.babelcall.api.room..", "io.babelcall.api.token..",
                    "io.babelcall.api.ice..", "io.babelcall.api.language..", "io.babelcall.api.join..")
            .because("error mapping, headers and properties serve every endpoint and depend on none");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.babelcall.api.(**)").should().beFreeOfCycles();
}

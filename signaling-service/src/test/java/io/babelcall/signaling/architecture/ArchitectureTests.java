package io.babelcall.signaling.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The signaling logic (session, presence, relay, caption, chat) knows sockets only through {@code ClientConnection}
 * and {@code SignalingEvents}: the container plumbing lives in {@code transport} and is wired in {@code config}.
 */
@AnalyzeClasses(packages = "io.babelcall.signaling", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    static final String[] DOMAIN = {"..signaling.session..", "..signaling.presence..", "..signaling.relay..",
            "..signaling.caption..", "..signaling.chat..", "..signaling.metrics..", "..signaling.media.."};

    @ArchTest
    static final ArchRule domainDoesNotUseTheTransport = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("..signaling.transport..")
            .because("the transport depends on the logic, never the reverse");

    @ArchTest
    static final ArchRule domainDoesNotUseTheContainer = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("reactor.netty.http..", "io.netty.handler.codec.http..",
                    "org.springframework.web..", "org.springframework.http..")
            .because("tests drive the logic without a socket; a server change touches transport only");

    @ArchTest
    static final ArchRule theSfuKnowsNothingOfSockets = noClasses().that().resideInAPackage("..signaling.media..")
            .should().dependOnClassesThat().resideInAnyPackage("..signaling.session..")
            .because("the SFU side answers through SfuPeer.Listener; the session package adapts it to sockets");

    @ArchTest
    static final ArchRule noOtherService = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.babelcall.api..", "io.babelcall.pipeline..")
            .because("services share code through common and service-support only");
}

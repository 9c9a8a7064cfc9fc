package dev.latchkey.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, kept by the build: what each rule forbids is said in its {@code because}. The classes are
 * read from both modules' compiled main code (tests may reach across, production code may not).
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // Tests may reach across (a test of a concept builds its JDBC store); production code may not. Core's test
        // classes reach this module as a directory or, after packaging, as core's test jar: both are left out.
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.latchkey");
    }

    @Test
    void coreNeverImportsTheServerOrJetty() {
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey..")
                .and()
                .resideOutsideOfPackage("dev.latchkey.server..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.latchkey.server..", "org.eclipse.jetty..")
                .because("core is the library: it runs in any Java application, with or without an HTTP server")
                .check(classes);
    }

    @Test
    void conceptsNeverImportTheStore() {
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey.(*)..")
                .and()
                .resideOutsideOfPackages("dev.latchkey.store..", "dev.latchkey.server..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.latchkey.store..")
                .because("each concept owns a small store interface; only the composition root (dev.latchkey."
                        + "Latchkey) picks the JDBC implementations")
                .check(classes);
    }

    @Test
    void corePackagesHaveNoCycles() {
        slices().matching("dev.latchkey.(*)..")
                .should()
                .beFreeOfCycles()
                .because("a package that needs another which needs it back is one concept in two places")
                .check(classes);
    }

    @Test
    void serverPackagesHaveNoCycles() {
        slices().matching("dev.latchkey.server.(**)")
                .should()
                .beFreeOfCycles()
                .because("the command line, configuration, TLS and web layers depend one way")
                .check(classes);
    }

    @Test
    void theJsonApiAndThePagesNeverImportEachOther() {
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey.server.web.api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.latchkey.server.web.pages..")
                .because("what both need lives below them, in web.http or web.caller")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey.server.web.pages..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.latchkey.server.web.api..")
                .because("what both need lives below them, in web.http or web.caller")
                .check(classes);
    }

    @Test
    void theWebLayersDependOneWay() {
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey.server.web.http..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.latchkey.server.web.caller..",
                        "dev.latchkey.server.web.api..",
                        "dev.latchkey.server.web.pages..")
                .because("web.http is Jetty plumbing: it knows requests, routes and policies, not who the caller is")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("dev.latchkey.server.web.caller..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.latchkey.server.web.api..", "dev.latchkey.server.web.pages..")
                .because("the caller and its proofs serve the API and the pages alike")
                .check(classes);
    }
}

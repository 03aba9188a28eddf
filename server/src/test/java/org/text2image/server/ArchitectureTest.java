package org.text2image.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/** Package by feature, kept honest: no cycles between features, controllers stay inside their feature. */
class ArchitectureTest {

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.text2image.server");

    @Test
    void featuresDoNotDependOnEachOtherInCycles() {
        slices().matching("org.text2image.server.(*)..").should().beFreeOfCycles().check(SERVER);
    }

    @Test
    void theLedgerDependsOnNoOtherFeature() {
        noClasses().that().resideInAPackage("..server.credits..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.generation..", "..server.account..",
                        "..server.workers..", "..server.web..", "..server.catalog..")
                .check(SERVER);
    }

    @Test
    void generationKnowsNothingOfWorkersOrPages() {
        noClasses().that().resideInAPackage("..server.generation..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.workers..")
                .check(SERVER);
    }

    @Test
    void controllersArePackagePrivate() {
        classes().that().areAnnotatedWith(Controller.class).or().areAnnotatedWith(RestController.class)
                .should().notBePublic().check(SERVER);
    }

    @Test
    void theWorkerModuleIsReachedOnlyThroughItsApiAndEntryPoints() {
        noClasses().that().resideInAPackage("org.text2image.server..")
                .should().dependOnClassesThat().resideInAPackage("org.text2image.worker.comfyui..")
                .check(SERVER);
    }
}

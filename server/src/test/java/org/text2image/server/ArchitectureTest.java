package org.text2image.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RestController;

/**
 * Rules Spring Modulith does not cover ({@link ModularityTest} checks the modules, their allowed
 * dependencies and cycles): controllers stay package-private, and the server reaches the worker
 * module only through its API and entry points.
 */
class ArchitectureTest {

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.text2image.server");

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

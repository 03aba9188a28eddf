package org.text2image.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.core.DependencyType;
import org.springframework.modulith.core.NamedInterface;
import org.springframework.modulith.docs.Documenter;

/**
 * The server's modules, verified by Spring Modulith: each direct sub-package of
 * {@code org.text2image.server} is a module; another module may use only its base package and
 * its named interfaces (such as {@code generation}'s {@code queue}, the worker API's entry), never
 * its sub-packages' internals, and no modules depend on each other in a cycle.
 *
 * <p>The module list in {@code docs/MODULES.md} is generated from the same model and must match
 * the code: run with {@code -Dmodules.write=true} to rewrite it after changing the modules.
 * PlantUML diagrams and module canvases are written to {@code target/spring-modulith-docs}.
 */
class ModularityTest {

    static final ApplicationModules MODULES = ApplicationModules.of(Text2ImageApplication.class);
    static final Path DOCUMENT = Path.of("../docs/MODULES.md");

    @Test
    void modulesUseOnlyEachOthersPublicApiAndFormNoCycles() {
        MODULES.verify();
    }

    @Test
    void theModuleDocumentMatchesTheCode() throws IOException {
        String expected = moduleDocument();
        if (Boolean.getBoolean("modules.write")) {
            Files.writeString(DOCUMENT, expected);
            new Documenter(MODULES).writeDocumentation();
        }
        assertThat(Files.readString(DOCUMENT))
                .as("docs/MODULES.md is stale: run ./mvnw -pl server -am verify -Dtest=ModularityTest "
                        + "-Dsurefire.failIfNoSpecifiedTests=false -Dmodules.write=true")
                .isEqualTo(expected);
    }

    /** Markdown: one section per module with its base package, named interfaces and the modules it uses. */
    static String moduleDocument() {
        StringBuilder out = new StringBuilder("""
                # Server modules

                Generated from the code by `ModularityTest` (Spring Modulith); do not edit by hand. Each module
                is a direct sub-package of `org.text2image.server`. Other modules may use its base package
                (its public API) and its named interfaces only; its sub-packages are internal. The tables each
                module owns are listed in [ARCHITECTURE.md](ARCHITECTURE.md#server-modules-and-the-tables-they-own).

                | module | named interfaces | uses |
                |---|---|---|
                """);
        MODULES.stream().sorted(Comparator.comparing(ApplicationModule::getIdentifier, Comparator.comparing(Object::toString)))
                .forEach(module -> out.append("| `").append(module.getIdentifier()).append("` | ")
                        .append(namedInterfaces(module)).append(" | ").append(dependencies(module)).append(" |\n"));
        return out.toString();
    }

    private static String namedInterfaces(ApplicationModule module) {
        String named = module.getNamedInterfaces().stream().filter(iface -> !iface.isUnnamed())
                .map(NamedInterface::getName).sorted().map(name -> "`" + name + "`").collect(Collectors.joining(", "));
        return named.isEmpty() ? "—" : named;
    }

    private static String dependencies(ApplicationModule module) {
        String used = module.getDirectDependencies(MODULES, DependencyType.values()).uniqueModules()
                .map(target -> target.getIdentifier().toString()).distinct().sorted().map(name -> "`" + name + "`").collect(Collectors.joining(", "));
        return used.isEmpty() ? "—" : used;
    }
}

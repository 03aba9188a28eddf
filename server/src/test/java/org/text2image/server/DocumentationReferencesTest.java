package org.text2image.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project documents itself, and its references must resolve: every relative Markdown link in
 * the README and {@code docs/}, every {@code `module/Class`} they name, and every {@code docs/*.md}
 * a source comment cites.
 */
class DocumentationReferencesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");
    private static final Pattern CLASS_REFERENCE = Pattern.compile("`((?:[a-z]+/)+)([A-Z][A-Za-z0-9]*)(?:[.#][A-Za-z]+)?(?:\\(\\))?`");
    private static final Pattern DOC_CITATION = Pattern.compile("docs/([A-Z_]+\\.md)");
    private static final List<Path> SOURCE_ROOTS = List.of(
            ROOT.resolve("server/src/main/java/org/text2image/server"), ROOT.resolve("server/src/test/java/org/text2image/server"),
            ROOT.resolve("worker/src/main/java/org/text2image/worker"), ROOT.resolve("worker/src/test/java/org/text2image/worker"));

    @Test
    void everyLinkInTheDocumentationPointsAtAFileThatExists() {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher link = LINK.matcher(read(doc));
            while (link.find()) {
                String target = link.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:") && !Files.exists(doc.getParent().resolve(target))) {
                    broken.add(ROOT.relativize(doc) + " → " + target);
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyClassTheDocumentationNamesExists() {
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher reference = CLASS_REFERENCE.matcher(read(doc));
            while (reference.find()) {
                String file = reference.group(1) + reference.group(2) + ".java";
                if (SOURCE_ROOTS.stream().noneMatch(root -> Files.exists(root.resolve(file)))) {
                    missing.add(ROOT.relativize(doc) + " → " + reference.group(1) + reference.group(2));
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyDocumentASourceCommentCitesExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path root : SOURCE_ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path source : files.filter(file -> file.toString().endsWith(".java")).toList()) {
                    Matcher citation = DOC_CITATION.matcher(read(source));
                    while (citation.find()) {
                        if (!Files.exists(ROOT.resolve("docs").resolve(citation.group(1)))) {
                            missing.add(ROOT.relativize(source) + " → docs/" + citation.group(1));
                        }
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    private static List<Path> documents() {
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            List<Path> all = new ArrayList<>(docs.filter(file -> file.toString().endsWith(".md")).sorted().toList());
            all.add(ROOT.resolve("README.md"));
            all.add(ROOT.resolve("worker/README.md"));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

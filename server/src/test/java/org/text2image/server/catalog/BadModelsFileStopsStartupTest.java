package org.text2image.server.catalog;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.text2image.server.Text2ImageApplication;

/** The whole server refuses to start on a bad template, and says which file is wrong. */
class BadModelsFileStopsStartupTest {

    @TempDir Path dir;

    @Test
    void serverDoesNotStartWithAnUnknownPlaceholder() throws Exception {
        Files.writeString(dir.resolve("bad.json"), """
                {"1": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "{{job}}"}}}""");
        Files.writeString(dir.resolve("models.json"), """
                {"models": [{"id": "m", "name": "M", "workflow": "bad.json", "cost_credits": 1}]}""");
        assertThatThrownBy(() -> new SpringApplicationBuilder(Text2ImageApplication.class)
                .run("--text2image.catalog.models-file=" + dir.resolve("models.json"),
                        "--text2image.database.embedded-data-dir=" + dir.resolve("pg"),
                        "--text2image.embedded-worker.enabled=false",
                        "--server.port=0")
                .close())
                .rootCause()
                .isInstanceOf(InvalidModelCatalogException.class)
                .hasMessageContaining("bad.json")
                .hasMessageContaining("unknown placeholder {{job}}");
    }
}

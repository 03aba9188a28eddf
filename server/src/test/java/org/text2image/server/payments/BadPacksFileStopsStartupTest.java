package org.text2image.server.payments;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.text2image.server.Text2ImageApplication;

/** The whole server refuses to start with an invalid packs file, and says which file is wrong. */
class BadPacksFileStopsStartupTest {

    @TempDir Path dir;

    @Test
    void serverDoesNotStartWithADecimalPrice() throws Exception {
        Path packs = dir.resolve("packs.json");
        Files.writeString(packs, """
                {"packs": [{"id": "starter", "credits": 100, "price_minor": 99.5, "currency": "INR"}]}""");
        assertThatThrownBy(() -> new SpringApplicationBuilder(Text2ImageApplication.class)
                .run("--text2image.catalog.models-file=src/test/resources/config/models.json",
                        "--text2image.payments.packs-file=" + packs,
                        "--text2image.database.embedded-data-dir=" + dir.resolve("pg"),
                        "--text2image.embedded-worker.enabled=false",
                        "--server.port=0")
                .close())
                .rootCause()
                .isInstanceOf(InvalidPacksException.class)
                .hasMessageContaining(packs.toAbsolutePath().normalize().toString())
                .hasMessageContaining("\"price_minor\" as a whole number");
    }
}

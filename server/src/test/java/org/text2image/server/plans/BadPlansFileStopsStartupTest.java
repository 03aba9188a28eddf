package org.text2image.server.plans;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.text2image.server.Text2ImageApplication;

/** The whole server refuses to start with an invalid plans file, and says which file, plan and field are wrong. */
class BadPlansFileStopsStartupTest {

    @TempDir Path dir;

    @Test
    void serverDoesNotStartWithAnUnknownQueuePriority() throws Exception {
        Path plans = dir.resolve("plans.json");
        Files.writeString(plans, Files.readString(Path.of("../config/plans.json"))
                .replace("\"queue_priority\": \"fastest\"", "\"queue_priority\": \"urgent\""));
        assertThatThrownBy(() -> new SpringApplicationBuilder(Text2ImageApplication.class)
                .run("--text2image.catalog.models-file=src/test/resources/config/models.json",
                        "--text2image.plans.file=" + plans,
                        "--text2image.database.embedded-data-dir=" + dir.resolve("pg"),
                        "--text2image.embedded-worker.enabled=false",
                        "--server.port=0")
                .close())
                .rootCause()
                .isInstanceOf(InvalidPlansException.class)
                .hasMessageContaining(plans.toAbsolutePath().normalize().toString())
                .hasMessageContaining("plan \"max\" needs \"queue_priority\" as one of standard, priority, fastest");
    }
}

package org.text2image.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The run mode's embedded PostgreSQL keeps every commit through an OS crash; only tests may trade that for speed. */
class EmbeddedPostgresDurabilityTest {

    @TempDir Path temp;

    @Test
    void theRunModeKeepsPostgresqlsDurableSettings() {
        runner().run(context -> {
            JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
            assertThat(show(jdbc, "synchronous_commit")).isEqualTo("on");
            assertThat(show(jdbc, "fsync")).isEqualTo("on");
            assertThat(show(jdbc, "full_page_writes")).isEqualTo("on");
        });
    }

    @Test
    void testsMayTurnDurabilityOff() {
        runner().withPropertyValues("text2image.database.embedded-durable=false").run(context -> {
            JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
            assertThat(show(jdbc, "synchronous_commit")).isEqualTo("off");
            assertThat(show(jdbc, "fsync")).isEqualTo("off");
            assertThat(show(jdbc, "full_page_writes")).isEqualTo("off");
        });
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withInitializer(new ConfigDataApplicationContextInitializer()) // application.yml, as the server reads it
                .withUserConfiguration(EmbeddedPostgresConfiguration.class)
                .withPropertyValues("text2image.database.embedded-data-dir=" + temp.resolve("pg"));
    }

    private static String show(JdbcClient jdbc, String setting) {
        return jdbc.sql("SHOW " + setting).query(String.class).single();
    }
}

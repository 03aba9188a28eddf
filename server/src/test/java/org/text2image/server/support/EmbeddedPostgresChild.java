package org.text2image.server.support;

import javax.sql.DataSource;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A process that starts only the embedded PostgreSQL of the run mode ({@link EmbeddedPostgresConfiguration}),
 * stores a row, prints {@code READY} and waits to be killed: the server in a test of what its death leaves behind.
 *
 * <p>Arguments: the data folder, then the text of the row to store.
 */
public final class EmbeddedPostgresChild {

    private EmbeddedPostgresChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(EmbeddedPostgresConfiguration.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .run("--text2image.database.embedded-data-dir=" + args[0]);
        JdbcClient jdbc = JdbcClient.create(context.getBean(DataSource.class));
        jdbc.sql("CREATE TABLE survivor (note text NOT NULL)").update();
        jdbc.sql("INSERT INTO survivor (note) VALUES (?)").param(args[1]).update();
        System.out.println("READY");
        Thread.currentThread().join(); // until killed
    }
}

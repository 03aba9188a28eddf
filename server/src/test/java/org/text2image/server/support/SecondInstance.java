package org.text2image.server.support;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.text2image.server.Text2ImageApplication;

/**
 * A second server instance for tests of what two instances sharing one database do: a random port,
 * this test's PostgreSQL, the test models, packs and plans, no worker, the real clock, and webhooks
 * to local receivers allowed, their task, the plan-grant and the expiry tasks run by the test (as in the test contexts).
 */
public final class SecondInstance {

    private SecondInstance() {
    }

    /** Starts it; close the context to stop it. */
    public static ConfigurableApplicationContext start(DataSource dataSource) throws SQLException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        return new SpringApplicationBuilder(Text2ImageApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + pool.getJdbcUrl(),
                "--spring.datasource.username=" + pool.getUsername(),
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--text2image.embedded-worker.enabled=false",
                "--text2image.catalog.models-file=src/test/resources/config/models.json",
                "--text2image.payments.packs-file=src/test/resources/config/packs.json",
                "--text2image.plans.file=src/test/resources/config/plans.json",
                "--text2image.payments.upi.vpa=text2image@okaxis",
                "--text2image.payments.upi.payee-name=Text2Image Studio & Co",
                "--text2image.storage.local-folder=target/test-images",
                "--text2image.workers.token=test-worker-token",
                "--text2image.generation.reaper-interval=1h",
                "--text2image.plans.grant-interval=1h",
                "--text2image.credits.expiry-interval=1h",
                "--text2image.payments.expiry-interval=1h",
                "--text2image.rate-limits.enabled=false",
                "--text2image.api.webhooks.allow-http=true",
                "--text2image.api.webhooks.allow-private-addresses=true",
                "--text2image.api.webhooks.delivery-interval=1h");
    }
}

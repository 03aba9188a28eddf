package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Migration V6 turns balances from before lots into lots, open holds included, and the books stay sound. */
class LotsMigrationTest {

    @TempDir Path dataDir;

    @Test
    void existingBalancesAndOpenHoldsBecomeOneNeverExpiringLotPerUser() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true)
                .start()) {
            DataSource ds = postgres.getPostgresDatabase();
            migrate(ds, "5");
            JdbcClient jdbc = JdbcClient.create(ds);
            jdbc.sql("INSERT INTO app_user (id, email, password_hash, created_at) VALUES (1, 'a@example.com', 'x', now())").update();
            jdbc.sql("INSERT INTO credit_account (user_id, available_credits, held_credits) VALUES (1, 12, 5)").update();
            jdbc.sql("INSERT INTO credit_hold (id, user_id, amount_credits, status, created_at) VALUES (7, 1, 5, 'OPEN', now())").update();
            jdbc.sql("INSERT INTO credit_hold (id, user_id, amount_credits, status, created_at, resolved_at) VALUES (8, 1, 3, 'CAPTURED', now(), now())").update();
            jdbc.sql("""
                    INSERT INTO ledger_entry (user_id, kind, amount_credits, available_after, held_after, hold_id,
                                              idempotency_key, reason, created_at) VALUES
                        (1, 'GRANT', 20, 20, 0, NULL, 'signup:1', 'signup', now()),
                        (1, 'HOLD', 3, 17, 3, 8, 'hold:a', 'hold', now()),
                        (1, 'CAPTURE', 3, 17, 0, 8, 'capture:hold:8', 'capture', now()),
                        (1, 'HOLD', 5, 12, 5, 7, 'hold:b', 'hold', now())""").update();

            migrate(ds, "latest");

            assertThat(jdbc.sql("SELECT granted_credits, remaining_credits, expires_at IS NULL FROM credit_lot WHERE user_id = 1")
                    .query((rs, n) -> rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getBoolean(3)).list())
                    .containsExactly("17/12/true");
            assertThat(jdbc.sql("SELECT amount_credits FROM credit_hold_lot WHERE hold_id = 7").query(Long.class).single())
                    .isEqualTo(5);
            assertThat(new LedgerInvariants(jdbc, List::of).violations()).isEmpty();
        }
    }

    private static void migrate(DataSource ds, String target) {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").target(target).load().migrate();
    }
}

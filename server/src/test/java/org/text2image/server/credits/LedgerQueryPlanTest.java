package org.text2image.server.credits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.support.IntegrationTest;

/**
 * Reads made for every page view go through an index, never a scan of the whole ledger (which
 * grows by several rows per job). Sequential scans are switched off for the plan, so a query that
 * has no usable index still shows one.
 */
@IntegrationTest
class LedgerQueryPlanTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired TransactionTemplate tx;

    @Test
    void aJobsReceiptIsReadThroughAnIndex() {
        List<String> plan = tx.execute(status -> {
            jdbc.execute("SET LOCAL enable_seqscan = off");
            return jdbc.queryForList("EXPLAIN SELECT sum(amount_credits) FROM ledger_entry WHERE job_id = ?", String.class,
                    UUID.randomUUID());
        });

        assertThat(String.join("\n", plan)).contains("ledger_entry_job").doesNotContain("Seq Scan");
    }
}

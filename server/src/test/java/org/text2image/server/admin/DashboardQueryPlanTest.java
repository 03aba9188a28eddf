package org.text2image.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.support.IntegrationTest;

/**
 * The dashboard's figures of a day read only that day's rows, through the indexes of migration V21,
 * never the whole job, payment or account history. Sequential scans are switched off for the plan,
 * so a query without a usable index still shows one.
 */
@IntegrationTest
class DashboardQueryPlanTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired TransactionTemplate tx;

    @Test
    void theDaysJobsAreReadThroughTheSubmitTimeIndex() {
        // On a table of a few rows (other tests' jobs) the planner may walk the (model_id, created_at)
        // index instead, which also holds created_at; either way no row outside the index is read.
        assertThat(plan("SELECT count(*) FROM generation_job WHERE created_at >= ? AND created_at < ?"))
                .containsAnyOf("generation_job_created", "generation_job_model_created").doesNotContain("Seq Scan");
    }

    @Test
    void theDaysSalesAreReadThroughTheSoldIndex() {
        assertThat(plan("SELECT sum(credits) FROM payment WHERE state IN ('APPROVED', 'PAID') AND grant_key IS NOT NULL "
                + "AND decided_at >= ? AND decided_at < ?")).contains("payment_sold").doesNotContain("Seq Scan");
    }

    @Test
    void theDaysSignUpsAreReadThroughTheCreationIndex() {
        assertThat(plan("SELECT count(*) FROM app_user WHERE created_at >= ? AND created_at < ?"))
                .contains("app_user_created").doesNotContain("Seq Scan");
    }

    @Test
    void aModelsJobsInADateRangeAreReadThroughTheModelIndex() {
        assertThat(plan("SELECT count(*) FROM generation_job WHERE model_id = 'sd15' AND created_at >= ? AND created_at < ?"))
                .contains("generation_job_model_created").doesNotContain("Seq Scan");
    }

    private String plan(String sql) {
        OffsetDateTime now = OffsetDateTime.now();
        List<String> plan = tx.execute(status -> {
            jdbc.execute("SET LOCAL enable_seqscan = off");
            return jdbc.queryForList("EXPLAIN " + sql, String.class, now.minusDays(1), now);
        });
        return String.join("\n", plan);
    }
}

package org.text2image.server.generation.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.text2image.server.support.IntegrationTest;

/**
 * Reads made for every submit go through an index, never a walk through a user's whole job history. Sequential scans are switched off for the plan, so a query that
 * has no usable index still shows one.
 */
@IntegrationTest
class JobQueryPlanTest {

    @Autowired JdbcTemplate jdbc;
    @Autowired TransactionTemplate tx;

    @Test
    void theCountOfAUsersActiveJobsAtEachSubmitReadsOnlyTheirActiveJobs() {
        List<String> plan = tx.execute(status -> {
            jdbc.execute("SET LOCAL enable_seqscan = off");
            return jdbc.queryForList("EXPLAIN SELECT count(*) FROM generation_job WHERE user_id = ? AND status IN ('QUEUED', 'RUNNING')",
                    String.class, 1L);
        });

        assertThat(String.join("\n", plan)).contains("generation_job_user_active");
    }

    @Test
    void theWeeklyCountOfALimitedModelReadsOnlyThatWeeksJobs() {
        List<String> plan = tx.execute(status -> {
            jdbc.execute("SET LOCAL enable_seqscan = off");
            return jdbc.queryForList("""
                    EXPLAIN SELECT COALESCE(sum(batch_size), 0) FROM generation_job
                    WHERE user_id = ? AND created_at >= now() - interval '7 days' AND created_at < now()
                      AND model_id = ? AND status IN ('QUEUED', 'RUNNING', 'SUCCEEDED')""", String.class, 1L, "sd15");
        });

        assertThat(String.join("\n", plan)).as("generation_job_user (user_id, created_at DESC) or "
                + "generation_job_model_created (model_id, created_at)").containsPattern("generation_job_(user|model_created)\\b")
                .doesNotContain("Seq Scan");
    }
}

package org.text2image.server.support;

import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Empties the application's tables between tests (TRUNCATE does not fire the ledger's row trigger),
 * after ending the long-poll claims a previous test's workers left waiting.
 */
public class TestDatabase {

    private static final int CLEAN_ATTEMPTS = 5;

    private final JdbcClient jdbc;
    private final Runnable endWaitingClaims;

    TestDatabase(JdbcClient jdbc, Runnable endWaitingClaims) {
        this.jdbc = jdbc;
        this.endWaitingClaims = endWaitingClaims;
    }

    /**
     * Truncates every table. An embedded worker polling for work locks worker_presence and
     * generation_job in its own order, so TRUNCATE can be picked as a deadlock victim; it is retried.
     */
    public void clean() {
        endWaitingClaims.run(); // a previous test's stopped worker must not take this test's jobs
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.sql("""
                        TRUNCATE job_image, generation_job, ledger_entry, credit_hold, credit_account, worker_presence,
                                 spring_session_attributes, spring_session, app_user RESTART IDENTITY CASCADE""").update();
                return;
            } catch (PessimisticLockingFailureException e) {
                if (attempt == CLEAN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    public JdbcClient jdbc() {
        return jdbc;
    }
}

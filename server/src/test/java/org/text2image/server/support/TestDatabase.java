package org.text2image.server.support;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Empties the application's tables between tests (TRUNCATE does not fire the ledger's row trigger). */
public class TestDatabase {

    private final JdbcClient jdbc;

    TestDatabase(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void clean() {
        jdbc.sql("""
                TRUNCATE job_image, generation_job, ledger_entry, credit_hold, credit_account, worker_presence,
                         spring_session_attributes, spring_session, app_user RESTART IDENTITY CASCADE""").update();
    }

    public JdbcClient jdbc() {
        return jdbc;
    }
}

-- Admin pages (docs/ADMIN.md): a job's attempt history, one-time keys of admin forms that move no
-- credits of their own, and the indexes behind the dashboard and the job search.

-- Every attempt of a job (generation/queue/AttemptLog), written by the transactions that lease and
-- end it: started at the claim; ended with its outcome when it succeeds, fails (RETRIED: the job went
-- back to the queue; FAILED: for good), is handed back unrun or is cancelled. generation_job keeps
-- only the current attempt; this keeps them all for the admin's job page.
CREATE TABLE generation_attempt (
    job_id      uuid        NOT NULL REFERENCES generation_job (id),
    attempt     int         NOT NULL CHECK (attempt > 0),
    worker_name text        NOT NULL,
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    outcome     text        CHECK (outcome IN ('SUCCEEDED', 'RETRIED', 'FAILED', 'HANDED_BACK', 'CANCELLED')),
    error       text        CHECK (length(error) <= 2000),
    PRIMARY KEY (job_id, attempt),
    CHECK ((ended_at IS NULL) = (outcome IS NULL))
);

-- An admin form's one-time key (admin/AdminActionKeys): the first post with a key does the action
-- and records what it made; a replay (double click, back button) finds the row and does nothing.
CREATE TABLE admin_action_key (
    action_key text        PRIMARY KEY CHECK (action_key ~ '^[A-Za-z0-9_-]{1,64}$'),
    action     text        NOT NULL CHECK (action ~ '^[A-Z][A-Z_]{0,39}$'),
    admin_id   bigint      NOT NULL REFERENCES app_user (id),
    result     text        CHECK (length(result) <= 200),
    created_at timestamptz NOT NULL
);

-- Dashboard and job search: jobs by submit time (jobs today, jobs per hour, per model over 7 days).
CREATE INDEX generation_job_created ON generation_job (created_at);
-- Job search by model within a date range.
CREATE INDEX generation_job_model_created ON generation_job (model_id, created_at);
-- Credits sold and revenue: payments that granted credits, by when they were approved or paid.
CREATE INDEX payment_sold ON payment (decided_at) WHERE grant_key IS NOT NULL;
-- Sign-ups today.
CREATE INDEX app_user_created ON app_user (created_at);

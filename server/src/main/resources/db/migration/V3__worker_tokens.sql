-- Worker tokens (workers/WorkerTokens): an admin issues one per worker on /admin/workers. The token
-- itself is shown once; only its SHA-256 (lower-case hex) is kept, looked up by the unique index.
CREATE TABLE worker_token (
    id           bigserial   PRIMARY KEY,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    token_hash   text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL,
    created_by   bigint      NOT NULL REFERENCES app_user (id),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- What each worker last reported with its claim (all optional: older workers send none of it),
-- the token it used (null: the configured token, as the embedded worker uses), and its counters.
ALTER TABLE worker_presence
    ADD COLUMN token_id         bigint REFERENCES worker_token (id) ON DELETE SET NULL,
    ADD COLUMN gpu_name         text,
    ADD COLUMN vram_total_bytes bigint,
    ADD COLUMN vram_free_bytes  bigint,
    ADD COLUMN comfyui_version  text,
    ADD COLUMN checkpoints      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN jobs_done        bigint NOT NULL DEFAULT 0 CHECK (jobs_done >= 0),
    ADD COLUMN jobs_failed      bigint NOT NULL DEFAULT 0 CHECK (jobs_failed >= 0);

-- Counts each attempt's end against the worker that ran it, in the transaction that ends it:
-- RUNNING -> SUCCEEDED is a job done; RUNNING -> QUEUED (retry) or FAILED is a failure. A cancel
-- (RUNNING -> CANCELLED) is neither. worker_name is read from OLD: failure paths clear it.
CREATE FUNCTION generation_job_count_worker_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE worker_presence
    SET jobs_done = jobs_done + CASE WHEN NEW.status = 'SUCCEEDED' THEN 1 ELSE 0 END,
        jobs_failed = jobs_failed + CASE WHEN NEW.status = 'SUCCEEDED' THEN 0 ELSE 1 END
    WHERE worker_name = OLD.worker_name;
    RETURN NULL;
END;
$$;

CREATE TRIGGER generation_job_worker_outcome
    AFTER UPDATE OF status ON generation_job
    FOR EACH ROW WHEN (OLD.status = 'RUNNING' AND NEW.status IN ('SUCCEEDED', 'QUEUED', 'FAILED')
                       AND OLD.worker_name IS NOT NULL)
    EXECUTE FUNCTION generation_job_count_worker_outcome();

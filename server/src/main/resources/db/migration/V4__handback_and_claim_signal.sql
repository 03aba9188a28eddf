-- Hand-back and provisional leases (generation/JobQueue, docs/JOBS_AND_CREDITS.md "Hand-back").
--
-- attempt stays the fencing token: it grows by one on every claim. A claim that never ran (handed
-- back by a stopping worker, or never confirmed by a heartbeat) adds one to handbacks as well, so
-- attempts used = attempt - handbacks, and only those count against max_attempts.
ALTER TABLE generation_job
    ADD COLUMN handbacks       int     NOT NULL DEFAULT 0 CHECK (handbacks >= 0),
    -- false from the claim until the worker's first heartbeat: until then the lease is the short
    -- claim-confirm-timeout, and an unconfirmed claim goes back to the queue without using an attempt.
    ADD COLUMN lease_confirmed boolean NOT NULL DEFAULT false;

DO $$
DECLARE
    old_check text;
BEGIN
    SELECT conname INTO STRICT old_check FROM pg_constraint
    WHERE conrelid = 'generation_job'::regclass AND contype = 'c'
      AND pg_get_constraintdef(oid) = 'CHECK ((attempt <= max_attempts))';
    EXECUTE format('ALTER TABLE generation_job DROP CONSTRAINT %I', old_check);
END;
$$;
ALTER TABLE generation_job ADD CONSTRAINT generation_job_attempts_used
    CHECK (handbacks <= attempt AND attempt - handbacks <= max_attempts);

-- A hand-back is not a failure of the worker: count failures only when handbacks did not grow.
CREATE OR REPLACE FUNCTION generation_job_count_worker_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'QUEUED' AND NEW.handbacks > OLD.handbacks THEN
        RETURN NULL;
    END IF;
    UPDATE worker_presence
    SET jobs_done = jobs_done + CASE WHEN NEW.status = 'SUCCEEDED' THEN 1 ELSE 0 END,
        jobs_failed = jobs_failed + CASE WHEN NEW.status = 'SUCCEEDED' THEN 0 ELSE 1 END
    WHERE worker_name = OLD.worker_name;
    RETURN NULL;
END;
$$;

-- Long-poll claims (generation/QueueSignal): every job that becomes QUEUED (submitted or
-- re-queued) rings the 'generation_job_queued' channel when its transaction commits, so workers
-- waiting on any server instance are woken. The table stays the truth: a woken claim runs the
-- Dispatcher as usual, and a lost notification only costs the wait's timeout.
CREATE FUNCTION generation_job_notify_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_queued', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER generation_job_queued_notify
    AFTER INSERT OR UPDATE OF status ON generation_job
    FOR EACH ROW WHEN (NEW.status = 'QUEUED')
    EXECUTE FUNCTION generation_job_notify_queued();

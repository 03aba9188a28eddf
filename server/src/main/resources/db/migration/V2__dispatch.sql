-- Dispatch (generation/Dispatcher, docs/JOBS_AND_CREDITS.md "Which job a worker gets").
-- priority: higher runs first; plans set it later, 0 for everyone until then.
ALTER TABLE generation_job ADD COLUMN priority int NOT NULL DEFAULT 0;

-- The dispatch order's leading keys and the queue position (priority, then age) over queued jobs.
DROP INDEX generation_job_queued;
CREATE INDEX generation_job_dispatch ON generation_job (priority DESC, created_at, id) WHERE status = 'QUEUED';
-- Fair share: each queued user's running jobs and last claim.
CREATE INDEX generation_job_user_running ON generation_job (user_id) WHERE status = 'RUNNING';
CREATE INDEX generation_job_user_started ON generation_job (user_id, attempt_started_at DESC)
    WHERE attempt_started_at IS NOT NULL;
-- Model affinity: the checkpoint of the last job a worker ran (worker_name stays set on success).
CREATE INDEX generation_job_worker_started ON generation_job (worker_name, attempt_started_at DESC)
    WHERE worker_name IS NOT NULL;
-- Wait estimate: run time (finished_at - attempt_started_at) of the latest succeeded jobs.
CREATE INDEX generation_job_succeeded ON generation_job (finished_at DESC) WHERE status = 'SUCCEEDED';

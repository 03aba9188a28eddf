-- Jobs done and failed per worker are counted by the workers module (workers/WorkerPresence) from
-- generation's AttemptEnded event, written in the same transaction, instead of by a trigger on
-- generation_job that wrote another module's table.
DROP TRIGGER generation_job_worker_outcome ON generation_job;
DROP FUNCTION generation_job_count_worker_outcome();

-- Live job pages (generation/web/JobEventStreams) without a read per change: the
-- generation_job_changed notification now carries the job's new state, so a stream can send it
-- at once. Payloads (a few dozen bytes, far below PostgreSQL's 8000-byte NOTIFY limit):
--   <job id>|<status>|<attempts used>|<progress step>|<progress total>   a job row changed (V9, V12)
--   <job id>|PREVIEW|<attempt>|<preview version, epoch ms>              a live preview was stored
-- (attempts used = attempt - handbacks, as the job page counts them).
-- A payload that is a bare job id (or anything else) still means "look at this job again".
CREATE OR REPLACE FUNCTION generation_job_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_changed', concat_ws('|', NEW.id::text, NEW.status, NEW.attempt - NEW.handbacks,
        coalesce(NEW.progress_step, 0), coalesce(NEW.progress_total, 0)));
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION job_preview_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_changed', concat_ws('|', NEW.job_id::text, 'PREVIEW', NEW.attempt,
        (extract(epoch FROM NEW.updated_at) * 1000)::bigint));
    RETURN NULL;
END;
$$;

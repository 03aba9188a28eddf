-- Live job pages (generation/JobEventStreams): a job's event stream waits for this channel
-- instead of reading the job row on a timer. It is notified, with the job id, when a job's
-- status, attempt or step progress changes, and when its live preview is stored. Streams of
-- queued jobs also look again on any notification (their place in the queue may have moved).
CREATE FUNCTION generation_job_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_changed', NEW.id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER generation_job_changed_notify
    AFTER UPDATE ON generation_job
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.attempt IS DISTINCT FROM NEW.attempt
                       OR OLD.progress_step IS DISTINCT FROM NEW.progress_step
                       OR OLD.progress_total IS DISTINCT FROM NEW.progress_total)
    EXECUTE FUNCTION generation_job_notify_changed();

CREATE FUNCTION job_preview_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_changed', NEW.job_id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER job_preview_changed_notify
    AFTER INSERT OR UPDATE ON job_preview
    FOR EACH ROW EXECUTE FUNCTION job_preview_notify_changed();

-- The generation_job_changed payload (V13) also says whether the running attempt's worker can
-- reach its ComfyUI (V12), so a live job page shows "the generator is offline" at once:
--   <job id>|<status>|<attempts used>|<progress step>|<progress total>|<backend unreachable: t or f>
CREATE OR REPLACE FUNCTION generation_job_notify_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('generation_job_changed', concat_ws('|', NEW.id::text, NEW.status, NEW.attempt - NEW.handbacks,
        coalesce(NEW.progress_step, 0), coalesce(NEW.progress_total, 0),
        CASE WHEN NEW.backend_unreachable THEN 't' ELSE 'f' END));
    RETURN NULL;
END;
$$;

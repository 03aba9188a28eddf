-- A running attempt whose worker reports (in its heartbeat) that it cannot reach its ComfyUI: the
-- job page says the generator is offline instead of "starting…". Reset by every new lease. Live
-- job pages are notified when it changes, like status and progress (V9).
ALTER TABLE generation_job ADD COLUMN backend_unreachable boolean NOT NULL DEFAULT false;

DROP TRIGGER generation_job_changed_notify ON generation_job;
CREATE TRIGGER generation_job_changed_notify
    AFTER UPDATE ON generation_job
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.attempt IS DISTINCT FROM NEW.attempt
                       OR OLD.progress_step IS DISTINCT FROM NEW.progress_step
                       OR OLD.progress_total IS DISTINCT FROM NEW.progress_total
                       OR OLD.backend_unreachable IS DISTINCT FROM NEW.backend_unreachable)
    EXECUTE FUNCTION generation_job_notify_changed();

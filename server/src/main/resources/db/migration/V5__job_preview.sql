-- Live preview (generation/JobQueue.savePreview): the latest preview image ComfyUI sent for the
-- running attempt, relayed by its worker. One row per job, replaced by each new preview; kept in
-- the database so any server instance can show it.
CREATE TABLE job_preview (
    job_id       uuid        PRIMARY KEY REFERENCES generation_job (id),
    attempt      int         NOT NULL,
    content_type text        NOT NULL,
    image        bytea       NOT NULL CHECK (length(image) > 0),
    updated_at   timestamptz NOT NULL
);

-- A preview belongs to a running attempt: it goes as soon as that attempt ends in any way.
CREATE FUNCTION generation_job_drop_preview() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_preview WHERE job_id = OLD.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER generation_job_preview_ends
    AFTER UPDATE OF status ON generation_job
    FOR EACH ROW WHEN (OLD.status = 'RUNNING')
    EXECUTE FUNCTION generation_job_drop_preview();

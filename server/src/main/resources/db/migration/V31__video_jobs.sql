-- Video jobs (docs/MODELS.md, "Video models"). A job of a video model has a length in frames and
-- a rate; an image-to-video job names the user's own image it starts from; a video model's
-- attempts have the model's own time limit. Image jobs leave all four empty.
ALTER TABLE generation_job
    ADD COLUMN frames                  int  CHECK (frames > 0),
    ADD COLUMN fps                     int  CHECK (fps > 0),
    ADD COLUMN input_image_id          uuid REFERENCES job_image (id) ON DELETE SET NULL,
    ADD COLUMN attempt_timeout_seconds int  CHECK (attempt_timeout_seconds > 0),
    ADD CONSTRAINT generation_job_video_settings CHECK ((frames IS NULL) = (fps IS NULL)),
    ADD CONSTRAINT generation_job_input_image_of_video CHECK (input_image_id IS NULL OR frames IS NOT NULL);

-- A stored video's poster: its first frame as a PNG, shown in history and by the player before it plays.
ALTER TABLE job_image
    ADD COLUMN poster_key        text   UNIQUE,
    ADD COLUMN poster_size_bytes bigint CHECK (poster_size_bytes > 0),
    ADD CONSTRAINT job_image_poster_whole CHECK ((poster_key IS NULL) = (poster_size_bytes IS NULL));

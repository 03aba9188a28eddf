-- A worker's checkpoint list is what it can run (an empty list: only workflows that need no
-- checkpoint). A worker whose ComfyUI never answered has not reported a list yet, so it must not
-- count as "has none": checkpoints_reported tells the two apart (workers/WorkerPresence).
ALTER TABLE worker_presence ADD COLUMN checkpoints_reported boolean NOT NULL DEFAULT false;
UPDATE worker_presence SET checkpoints_reported = true WHERE cardinality(checkpoints) > 0;

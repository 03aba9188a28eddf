-- What kinds of work a worker took at its last claim, beside its checkpoint list: jobs that use a
-- user's LoRA (the worker has a LoRA folder) and LoRA trainings (it said train and has the VRAM).
-- Pages use them to say when nothing online takes such work (workers/WorkerPresence).
ALTER TABLE worker_presence
    ADD COLUMN runs_loras boolean NOT NULL DEFAULT false,
    ADD COLUMN trains boolean NOT NULL DEFAULT false;

-- LoRA training jobs and the LoRAs they make (docs/TRAINING.md, "Training" and "Using a LoRA").
-- Owned by the training module. A training job runs on the same workers and with the same fencing
-- as a generation job (attempt = fencing token, lease, deadline), but moves no credits: the plan's
-- training allowance is taken by the row itself (a row counts against the allowance of the window
-- it was created in unless allowance_returned_at is set) and given back once, by setting
-- allowance_returned_at in the transaction that ends the job FAILED or CANCELLED.
CREATE TABLE lora_training (
    id                    uuid        PRIMARY KEY,
    user_id               bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    dataset_id            uuid        REFERENCES lora_dataset (id) ON DELETE SET NULL,
    name                  text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    trigger_word          text        NOT NULL CHECK (trigger_word ~ '^[A-Za-z0-9_-]{1,40}$'),
    base_model_id         text        NOT NULL,
    checkpoint            text        NOT NULL,
    steps                 int         NOT NULL CHECK (steps BETWEEN 1 AND 100000),
    lora_rank             int         NOT NULL CHECK (lora_rank BETWEEN 1 AND 256),
    learning_rate         double precision NOT NULL CHECK (learning_rate > 0 AND learning_rate < 1),
    resolution            int         NOT NULL CHECK (resolution BETWEEN 256 AND 2048),
    status                text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    attempt               int         NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts          int         NOT NULL CHECK (max_attempts > 0),
    handbacks             int         NOT NULL DEFAULT 0 CHECK (handbacks >= 0),
    worker_name           text,
    lease_expires_at      timestamptz,
    lease_confirmed       boolean     NOT NULL DEFAULT false,
    attempt_deadline_at   timestamptz,
    attempt_started_at    timestamptz,
    progress_step         int         NOT NULL DEFAULT 0,
    progress_total        int         NOT NULL DEFAULT 0,
    cancel_requested      boolean     NOT NULL DEFAULT false,
    last_error            text,
    submit_key            text        NOT NULL CHECK (char_length(submit_key) BETWEEN 1 AND 100),
    allowance_returned_at timestamptz,
    created_at            timestamptz NOT NULL,
    finished_at           timestamptz,
    UNIQUE (user_id, submit_key),
    CHECK (attempt - handbacks <= max_attempts),
    CHECK ((status = 'RUNNING') = (lease_expires_at IS NOT NULL)),
    CHECK ((status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) = (finished_at IS NOT NULL)),
    CHECK (allowance_returned_at IS NULL OR status IN ('FAILED', 'CANCELLED'))
);
CREATE INDEX lora_training_queued ON lora_training (created_at, id) WHERE status = 'QUEUED';
CREATE INDEX lora_training_running ON lora_training (lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX lora_training_user ON lora_training (user_id, created_at DESC);

-- A trained LoRA: one per succeeded training. The file is in the image store under storage_key;
-- sha256 (lowercase hex) names it on workers (models/loras/text2image/<sha256>.safetensors).
-- Deleting a LoRA removes the file and sets deleted_at; the row stays so that workers are told,
-- on their next claim, to remove their cached copy.
CREATE TABLE lora_model (
    id            uuid        PRIMARY KEY,
    user_id       bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    training_id   uuid        UNIQUE REFERENCES lora_training (id) ON DELETE SET NULL,
    name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    trigger_word  text        NOT NULL,
    base_model_id text        NOT NULL,
    checkpoint    text        NOT NULL,
    storage_key   text        NOT NULL UNIQUE,
    sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes    bigint      NOT NULL CHECK (size_bytes > 0),
    created_at    timestamptz NOT NULL,
    deleted_at    timestamptz
);
CREATE INDEX lora_model_user ON lora_model (user_id, created_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX lora_model_deleted ON lora_model (deleted_at) WHERE deleted_at IS NOT NULL;

-- A generation job made with one of the user's LoRAs: which one and at what strength. No foreign
-- key: a LoRA row can go with its user's account while admin job rows are kept.
ALTER TABLE generation_job ADD COLUMN lora_id uuid;
ALTER TABLE generation_job ADD COLUMN lora_strength double precision
    CHECK (lora_strength IS NULL OR (lora_strength >= -2 AND lora_strength <= 2));
ALTER TABLE generation_job ADD CONSTRAINT generation_job_lora_pair CHECK ((lora_id IS NULL) = (lora_strength IS NULL));

-- LoRA training datasets (docs/TRAINING.md, "Datasets"): a user's named sets of 5–30 images with
-- captions, kept private. Training jobs come later; owned by the training module.
CREATE TABLE lora_dataset (
    id           uuid        PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name         text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    trigger_word text        NOT NULL CHECK (trigger_word ~ '^[A-Za-z0-9_-]{1,40}$'),
    created_at   timestamptz NOT NULL
);
CREATE INDEX lora_dataset_user ON lora_dataset (user_id, created_at DESC);

CREATE TABLE lora_dataset_image (
    id           uuid        PRIMARY KEY,
    dataset_id   uuid        NOT NULL REFERENCES lora_dataset (id) ON DELETE CASCADE,
    storage_key  text        NOT NULL UNIQUE,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL CHECK (size_bytes > 0),
    width        integer     NOT NULL CHECK (width > 0),
    height       integer     NOT NULL CHECK (height > 0),
    caption      text        NOT NULL DEFAULT '' CHECK (char_length(caption) <= 500),
    created_at   timestamptz NOT NULL
);
CREATE INDEX lora_dataset_image_dataset ON lora_dataset_image (dataset_id, created_at);

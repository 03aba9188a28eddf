-- One-time keys of the dataset forms (docs/TRAINING.md, "Datasets"), kept by PostgreSQL so that a
-- double click or a replay creates one dataset and adds an upload's images once, whichever server
-- instance each post reaches. Owned by the training module.
ALTER TABLE lora_dataset ADD COLUMN form_key text
    CHECK (form_key IS NULL OR form_key ~ '^[0-9a-f-]{36}$');
CREATE UNIQUE INDEX lora_dataset_form_key ON lora_dataset (user_id, form_key) WHERE form_key IS NOT NULL;

-- The key of each Add images post that stored its images; checked under the dataset's row lock,
-- so a second post of the key waits for the first and then adds nothing. Kept for a day.
CREATE TABLE lora_upload_key (
    dataset_id uuid        NOT NULL REFERENCES lora_dataset (id) ON DELETE CASCADE,
    form_key   text        NOT NULL CHECK (form_key ~ '^[0-9a-f-]{36}$'),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (dataset_id, form_key)
);

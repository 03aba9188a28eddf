-- Public API (api/, docs/API.md): the users' API keys, the idempotency keys of job submissions, and
-- which key submitted which job (its webhook deliveries follow from that).

-- An API key. Only the SHA-256 of the whole key is kept (the key is 256 random bits, so a fast
-- hash is enough; the key itself is shown once, at creation). prefix is the key's first characters,
-- shown to tell keys apart. A revoked key stays listed (revoked_at set) and authenticates nothing.
-- callback_url and webhook_secret belong to the key's webhook (api/webhooks): the URL the job
-- events of the key's jobs are posted to, and the Standard Webhooks secret that signs them.
CREATE TABLE api_key (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES app_user (id),
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    prefix         text        NOT NULL CHECK (length(prefix) BETWEEN 8 AND 16),
    secret_hash    bytea       NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    scopes         text[]      NOT NULL CHECK (cardinality(scopes) >= 1
                                               AND scopes <@ ARRAY['generate', 'read']::text[]),
    callback_url   text        CHECK (length(callback_url) BETWEEN 1 AND 2000),
    webhook_secret text        CHECK (length(webhook_secret) BETWEEN 16 AND 100),
    created_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    last_used_at   timestamptz,
    last_used_ip   text        CHECK (length(last_used_ip) <= 64),
    CHECK ((callback_url IS NULL) = (webhook_secret IS NULL))
);
CREATE INDEX api_key_user ON api_key (user_id, created_at);

-- An Idempotency-Key of a job submission, per user, for 24 hours: the same key and body return the
-- job first made for them. request_hash is the SHA-256 of the normalised request. The row is written
-- before its job in the same transaction (a concurrent submit with the same key waits on it), hence
-- the deferred foreign key.
CREATE TABLE api_idempotency (
    user_id         bigint      NOT NULL REFERENCES app_user (id),
    idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    request_hash    bytea       NOT NULL CHECK (length(request_hash) = 32),
    job_id          uuid        NOT NULL REFERENCES generation_job (id) DEFERRABLE INITIALLY DEFERRED,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
CREATE INDEX api_idempotency_created ON api_idempotency (created_at);

-- A job submitted through the API, with the key that submitted it.
CREATE TABLE api_job (
    job_id     uuid        PRIMARY KEY REFERENCES generation_job (id),
    key_id     bigint      NOT NULL REFERENCES api_key (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX api_job_key ON api_job (key_id, created_at);

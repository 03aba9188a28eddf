-- Accounts ------------------------------------------------------------------------------------
CREATE TABLE app_user (
    id            bigserial   PRIMARY KEY,
    email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash text        NOT NULL,
    role          text        NOT NULL DEFAULT 'USER' CHECK (role IN ('USER', 'ADMIN')),
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX app_user_email_uq ON app_user (lower(email));

-- Credits ledger ------------------------------------------------------------------------------
-- One row per user: the cached balance. The CHECKs make "never negative" a database rule:
-- a hold that would overdraw fails in SQL whatever the Java code does.
CREATE TABLE credit_account (
    user_id           bigint PRIMARY KEY REFERENCES app_user (id),
    available_credits bigint NOT NULL CHECK (available_credits >= 0),
    held_credits      bigint NOT NULL CHECK (held_credits >= 0)
);

-- A reservation of credits for one job. It resolves at most once: OPEN -> CAPTURED | RELEASED.
CREATE TABLE credit_hold (
    id             bigserial   PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES app_user (id),
    amount_credits bigint      NOT NULL CHECK (amount_credits > 0),
    status         text        NOT NULL CHECK (status IN ('OPEN', 'CAPTURED', 'RELEASED')),
    created_at     timestamptz NOT NULL,
    resolved_at    timestamptz,
    CHECK ((status = 'OPEN') = (resolved_at IS NULL))
);
CREATE INDEX credit_hold_open ON credit_hold (user_id) WHERE status = 'OPEN';

-- Append-only: every movement of credits is a row; corrections are new rows.
-- amount_credits is always positive; kind gives the direction:
--   GRANT   available += amount
--   HOLD    available -= amount, held += amount
--   CAPTURE held -= amount                 (the user is charged)
--   RELEASE held -= amount, available += amount
CREATE TABLE ledger_entry (
    id              bigserial   PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES app_user (id),
    kind            text        NOT NULL CHECK (kind IN ('GRANT', 'HOLD', 'CAPTURE', 'RELEASE')),
    amount_credits  bigint      NOT NULL CHECK (amount_credits > 0),
    available_after bigint      NOT NULL CHECK (available_after >= 0),
    held_after      bigint      NOT NULL CHECK (held_after >= 0),
    hold_id         bigint      REFERENCES credit_hold (id),
    job_id          uuid,
    idempotency_key text        NOT NULL,
    reason          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    CHECK ((kind = 'GRANT') = (hold_id IS NULL))
);
CREATE UNIQUE INDEX ledger_entry_idempotency_uq ON ledger_entry (idempotency_key);
-- A hold is placed once and resolves at most once (capture or release, never both, never twice).
CREATE UNIQUE INDEX ledger_entry_one_hold_uq ON ledger_entry (hold_id) WHERE kind = 'HOLD';
CREATE UNIQUE INDEX ledger_entry_one_resolution_uq ON ledger_entry (hold_id) WHERE kind IN ('CAPTURE', 'RELEASE');
CREATE INDEX ledger_entry_user ON ledger_entry (user_id, id DESC);

CREATE FUNCTION ledger_entry_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP;
END;
$$;
CREATE TRIGGER ledger_entry_append_only
    BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_is_append_only();

-- Generation jobs -----------------------------------------------------------------------------
CREATE TABLE generation_job (
    id                  uuid        PRIMARY KEY,
    user_id             bigint      NOT NULL REFERENCES app_user (id),
    model_id            text        NOT NULL,
    checkpoint          text        NOT NULL,
    prompt              text        NOT NULL CHECK (length(prompt) > 0),
    negative_prompt     text        NOT NULL,
    width               int         NOT NULL CHECK (width > 0),
    height              int         NOT NULL CHECK (height > 0),
    batch_size          int         NOT NULL CHECK (batch_size > 0),
    seed                bigint      NOT NULL CHECK (seed >= 0),
    steps               int         NOT NULL CHECK (steps > 0),
    cfg_scale           double precision NOT NULL,
    sampler             text        NOT NULL,
    scheduler           text        NOT NULL,
    price_credits       bigint      NOT NULL CHECK (price_credits > 0),
    hold_id             bigint      NOT NULL UNIQUE REFERENCES credit_hold (id),
    status              text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    attempt             int         NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts        int         NOT NULL CHECK (max_attempts > 0),
    worker_name         text,
    lease_expires_at    timestamptz,
    attempt_deadline_at timestamptz,
    attempt_started_at  timestamptz,
    progress_step       int         NOT NULL DEFAULT 0,
    progress_total      int         NOT NULL DEFAULT 0,
    last_error          text,
    created_at          timestamptz NOT NULL,
    finished_at         timestamptz,
    CHECK (attempt <= max_attempts),
    CHECK ((status = 'RUNNING') = (lease_expires_at IS NOT NULL)),
    CHECK ((status IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) = (finished_at IS NOT NULL))
);
CREATE INDEX generation_job_queued ON generation_job (created_at, id) WHERE status = 'QUEUED';
CREATE INDEX generation_job_running ON generation_job (lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX generation_job_user ON generation_job (user_id, created_at DESC);

CREATE TABLE job_image (
    id           uuid        PRIMARY KEY,
    job_id       uuid        NOT NULL REFERENCES generation_job (id),
    position     int         NOT NULL CHECK (position >= 0),
    storage_key  text        NOT NULL UNIQUE,
    content_type text        NOT NULL,
    size_bytes   bigint      NOT NULL CHECK (size_bytes > 0),
    created_at   timestamptz NOT NULL,
    UNIQUE (job_id, position)
);

-- Workers -------------------------------------------------------------------------------------
-- Last word from each worker, for "the generator is offline" and (later) the admin page.
CREATE TABLE worker_presence (
    worker_name       text        PRIMARY KEY,
    last_seen_at      timestamptz NOT NULL,
    backend_reachable boolean     NOT NULL
);

-- Spring Session (sessions live in the database so several server instances can share them) ---
CREATE TABLE spring_session (
    primary_id            char(36)     NOT NULL,
    session_id            char(36)     NOT NULL,
    creation_time         bigint       NOT NULL,
    last_access_time      bigint       NOT NULL,
    max_inactive_interval int          NOT NULL,
    expiry_time           bigint       NOT NULL,
    principal_name        varchar(100),
    CONSTRAINT spring_session_pk PRIMARY KEY (primary_id)
);
CREATE UNIQUE INDEX spring_session_ix1 ON spring_session (session_id);
CREATE INDEX spring_session_ix2 ON spring_session (expiry_time);
CREATE INDEX spring_session_ix3 ON spring_session (principal_name);

CREATE TABLE spring_session_attributes (
    session_primary_id char(36)     NOT NULL,
    attribute_name     varchar(200) NOT NULL,
    attribute_bytes    bytea        NOT NULL,
    CONSTRAINT spring_session_attributes_pk PRIMARY KEY (session_primary_id, attribute_name),
    CONSTRAINT spring_session_attributes_fk FOREIGN KEY (session_primary_id) REFERENCES spring_session (primary_id) ON DELETE CASCADE
);

-- Email verification (text2image.accounts.email-verification): when the address was confirmed.
-- NULL: never confirmed (accounts made before this column, or while verification was off, too).
ALTER TABLE app_user ADD COLUMN email_verified_at timestamptz;

-- Single-use links mailed to a user (account/AccountTokens): only the SHA-256 of the random
-- token is kept, so the table's contents open no account. A link works while now < expires_at
-- and used_at IS NULL; using it sets used_at.
CREATE TABLE account_token (
    token_hash bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint      NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    purpose    text        NOT NULL CHECK (purpose IN ('VERIFY_EMAIL', 'RESET_PASSWORD')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
    used_at    timestamptz
);
CREATE INDEX account_token_user ON account_token (user_id, purpose, created_at DESC);

-- "Delete my account" requests, for support to carry out (one open request per user).
CREATE TABLE account_deletion_request (
    user_id      bigint      PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    reason       text        NOT NULL CHECK (length(reason) <= 2000),
    requested_at timestamptz NOT NULL
);

-- Spring Session indexes a session by its sign-in name, the email, which may be 254 characters:
-- its stock varchar(100) made every session of a longer address fail to save.
ALTER TABLE spring_session ALTER COLUMN principal_name TYPE varchar(254);
